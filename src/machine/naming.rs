//! How a machine is named and told apart: the folder a run writes ([`Machine::slug`]), the
//! line that titles its charts ([`Machine::summary_line`]), and whether two runs come from
//! the same host ([`Machine::same_host`]).
//!
//! The slug is the machine's name when the user gave one (`CONCBENCH_MACHINE_NAME`), else
//! its CPU brand and host identity; either way it ends in the CPUs the run could use. To
//! change the rule, change [`Machine::slug`] and its tests below: every new run's folder
//! moves with it.

use super::{Machine, short_brand, slugify};

impl Machine {
    /// The CPU brand for display: [`short_brand`] of `cpu_brand`, or the architecture when
    /// the OS reports no brand.
    pub fn display_brand(&self) -> String {
        let short = short_brand(&self.cpu_brand);
        if short.is_empty() {
            self.arch.clone()
        } else {
            short
        }
    }

    /// A folder name for `reports/<slug>/`, ending in `-{usable_cpus}cpu` so that a
    /// `taskset -c 0` run of a host gets its own folder, apart from the whole host's:
    /// - with a name ([`Machine::name`]): [`slugify`] of it, e.g. `lab-1-2cpu`;
    /// - otherwise [`slugify`] of [`Machine::display_brand`] (`unknown` if that leaves
    ///   nothing), then the host identity when there is one, e.g. `amd-epyc-7b13-3f9a1c2e-2cpu`;
    ///   without one, `amd-epyc-7b13-2cpu` (what every run was named before host identities).
    pub fn slug(&self) -> String {
        let named = self.name.as_deref().map(slugify).filter(|s| !s.is_empty());
        let base = named.unwrap_or_else(|| {
            let mut base = slugify(&self.display_brand());
            if base.is_empty() {
                base = "unknown".to_string();
            }
            let host = self.host.as_ref().map(|h| slugify(&h.id));
            match host.filter(|h| !h.is_empty()) {
                Some(host) => format!("{base}-{host}"),
                None => base,
            }
        });
        format!("{base}-{}cpu", self.usable_cpus)
    }

    /// False only when both runs carry a host identity and the identities differ: runs
    /// from before host identities, or from a host without one, are not told apart.
    pub fn same_host(&self, other: &Machine) -> bool {
        match (&self.host, &other.host) {
            (Some(a), Some(b)) => a.id == b.id,
            _ => true,
        }
    }

    /// One line for chart titles, e.g. `AMD EPYC 7B13, 2 CPUs (1 physical core), Linux 6.1`,
    /// or `Intel Core i7-8650U, 1 of 8 CPUs (4 physical cores), macOS 15.1.1 Sequoia` when
    /// the run could use fewer CPUs than the machine has; a named machine's line starts with
    /// its name (`lab-1: AMD EPYC 7B13, ...`). On Linux the OS part is the kernel version
    /// (major.minor); elsewhere it is [`Machine::os`].
    pub fn summary_line(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut line = match &self.name {
            Some(name) => format!("{name}: {}", self.display_brand()),
            None => self.display_brand(),
        };
        line.push_str(", ");
        if self.usable_cpus == self.logical_cores {
            line.push_str(&plural(self.logical_cores, "CPU"));
        } else {
            line.push_str(&format!(
                "{} of {}",
                self.usable_cpus,
                plural(self.logical_cores, "CPU")
            ));
        }
        if let Some(physical) = self.physical_cores {
            line.push_str(&format!(" ({})", plural(physical, "physical core")));
        }
        line.push_str(", ");
        line.push_str(&self.os_short());
        line
    }

    /// `Linux 6.1` from kernel `Linux 6.1.0-18-amd64`; otherwise the OS string.
    fn os_short(&self) -> String {
        if let Some(version) = self.kernel.strip_prefix("Linux ") {
            let major_minor: Vec<&str> = version
                .split(|c: char| !c.is_ascii_digit())
                .take(2)
                .filter(|part| !part.is_empty())
                .collect();
            if !major_minor.is_empty() {
                return format!("Linux {}", major_minor.join("."));
            }
        }
        if self.os.is_empty() {
            self.kernel.clone()
        } else {
            self.os.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::identity::{HostIdentity, HostSource, MachineName, host_identity_from};
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn slugs_of_real_machines_without_a_host_identity() {
        let cases = [
            (
                "AMD EPYC 7B13 64-Core Processor",
                2,
                "x86_64",
                "amd-epyc-7b13-2cpu",
            ),
            (
                "Intel(R) Xeon(R) CPU @ 2.20GHz",
                1,
                "x86_64",
                "intel-xeon-2-20ghz-1cpu",
            ),
            (
                "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz",
                8,
                "x86_64",
                "intel-core-i7-8650u-8cpu",
            ),
            ("Apple M2", 8, "aarch64", "apple-m2-8cpu"),
            ("", 4, "aarch64", "aarch64-4cpu"),
            ("", 4, "", "unknown-4cpu"),
        ];
        for (brand, usable, arch, want) in cases {
            let mut m = sample(brand, usable);
            m.arch = arch.to_string();
            assert_eq!(m.slug(), want, "brand {brand:?}");
        }
    }

    fn on_host(brand: &str, usable: usize, machine_id: &str) -> Machine {
        let mut m = sample(brand, usable);
        m.host = host_identity_from(Some(machine_id), None, None);
        m
    }

    #[test]
    fn hosts_with_the_same_cpu_and_cores_get_their_own_folders() {
        let a = on_host("AMD EPYC", 2, "0123456789abcdef0123456789abcdef");
        let b = on_host("AMD EPYC", 2, "fedcba9876543210fedcba9876543210");
        assert_eq!(a.slug(), "amd-epyc-0ad5428a-2cpu");
        assert_ne!(a.slug(), b.slug());
        assert!(!a.same_host(&b) && !b.same_host(&a));
        // The same host keeps its folder run after run...
        let again = on_host("AMD EPYC", 2, "0123456789abcdef0123456789abcdef\n");
        assert_eq!(again.slug(), a.slug());
        assert!(a.same_host(&again));
        // ...and a run limited to one CPU of it gets another.
        let pinned = on_host("AMD EPYC", 1, "0123456789abcdef0123456789abcdef");
        assert_eq!(pinned.slug(), "amd-epyc-0ad5428a-1cpu");
        assert!(a.same_host(&pinned));
        // A run without a host identity cannot be told apart from any host.
        assert!(sample("AMD EPYC", 2).same_host(&a));
    }

    #[test]
    fn a_name_decides_the_slug_and_leads_the_summary() {
        let mut m = on_host("AMD EPYC 7B13 64-Core Processor", 2, "0123456789abcdef");
        m.name = Some(
            MachineName::parse("Lab PC (room 2.14)")
                .unwrap()
                .to_string(),
        );
        assert_eq!(m.slug(), "lab-pc-room-2-14-2cpu");
        assert_eq!(
            m.summary_line(),
            "Lab PC (room 2.14): AMD EPYC 7B13, 2 CPUs (1 physical core), Linux 6.1"
        );
        m.usable_cpus = 1;
        assert_eq!(m.slug(), "lab-pc-room-2-14-1cpu");
        // Two hosts given the same name share a folder (the name decides it), but they are
        // still told apart: the bench never merges one host's cases into another's file.
        let mut other = on_host("Apple M2", 1, "fedcba9876543210");
        other.name = m.name.clone();
        assert_eq!(other.slug(), m.slug());
        assert!(!other.same_host(&m));
        // A name read from a file that slugifies to nothing falls back to brand and host.
        m.name = Some("...".to_string());
        assert!(m.slug().starts_with("amd-epyc-7b13-"), "{}", m.slug());
    }

    #[test]
    fn a_host_identity_from_a_file_cannot_escape_the_folder() {
        let mut m = sample("AMD EPYC", 2);
        m.host = Some(HostIdentity {
            id: "../../etc".to_string(),
            source: HostSource::HostName,
        });
        assert_eq!(m.slug(), "amd-epyc-etc-2cpu");
    }

    #[test]
    fn summary_lines_read_well() {
        assert_eq!(
            sample("AMD EPYC 7B13 64-Core Processor", 2).summary_line(),
            "AMD EPYC 7B13, 2 CPUs (1 physical core), Linux 6.1"
        );
        let mut m = sample("Apple M2", 1);
        m.logical_cores = 8;
        m.physical_cores = None;
        m.kernel = "Darwin 24.1.0".to_string();
        m.os = "macOS 15.1.1 Sequoia".to_string();
        assert_eq!(
            m.summary_line(),
            "Apple M2, 1 of 8 CPUs, macOS 15.1.1 Sequoia"
        );
        let mut m = sample("", 1);
        m.logical_cores = 1;
        m.arch = "aarch64".to_string();
        assert_eq!(
            m.summary_line(),
            "aarch64, 1 CPU (1 physical core), Linux 6.1"
        );
    }
}
