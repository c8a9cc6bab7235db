//! Which machine ran: the readable name a user gives it (`CONCBENCH_MACHINE_NAME`) and a
//! stable host identity read from the OS.
//!
//! Two hosts with the same CPU brand and core count must not share `reports/<slug>/`, so
//! every run records a host identity: the first 8 hex digits of a SHA-256 digest of the
//! host's machine id (`/etc/machine-id`, else `/var/lib/dbus/machine-id`, on Linux), or of
//! its host name where there is no machine id (other OSes, containers without one). It is
//! stable across reboots and runs and differs between hosts. The digest is keyed with a
//! concbench-specific prefix and cut short, so the machine id itself, which is meant to stay
//! private, never leaves the machine and the digest matches no other tool's.
//!
//! [`host_identity_from`] decides from texts, so tests feed it strings; [`read_host_identity`]
//! reads the files. [`MachineName::parse`] validates a name. To add a host identity source
//! (an OS's own hardware id), add a [`HostSource`] variant, read it in
//! [`read_host_identity`] and give it its place in the order of [`host_identity_from`].

use std::ffi::OsString;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The environment variable that names the machine.
pub const MACHINE_NAME_VAR: &str = "CONCBENCH_MACHINE_NAME";

/// Longest machine name, in characters: its folder name is never cut, so two names can
/// only share a folder when they are alike.
pub const MAX_NAME_CHARS: usize = 48;

/// Characters a name may hold besides letters, digits and spaces.
const NAME_PUNCTUATION: &[char] = &['-', '_', '.', ':', '+', '@', '(', ')'];

/// Hex digits of a [`HostIdentity::id`]: 32 bits, so a fleet of a thousand hosts has about
/// one chance in ten thousand of two sharing one.
pub const HOST_ID_DIGITS: usize = 8;

/// What can be wrong with the machine's identity settings. Every variant is bad input.
#[derive(Debug, Error)]
pub enum MachineError {
    /// `CONCBENCH_MACHINE_NAME` is set to something that cannot name a machine.
    #[error(
        "{MACHINE_NAME_VAR}='{value}' {problem}; set it to a short name for this machine such as laptop or ci-linux-1 (letters, digits, spaces and - _ . : + @ ( ), at most {MAX_NAME_CHARS} characters), or unset it to name the folder after the CPU and the host"
    )]
    BadName {
        /// The value, with control characters escaped.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// `CONCBENCH_MACHINE_NAME` is not valid UTF-8.
    #[error(
        "{MACHINE_NAME_VAR} is not valid UTF-8; set it to a short name for this machine such as laptop or ci-linux-1, or unset it"
    )]
    NotUnicode,
}

impl MachineError {
    /// True for every variant: each is the user's setting at fault (exit status 2).
    pub fn is_usage(&self) -> bool {
        true
    }
}

/// A validated machine name: trimmed, 1 to [`MAX_NAME_CHARS`] characters of letters,
/// digits, spaces and `- _ . : + @ ( )`, with at least one ASCII letter or digit (the
/// folder name is made of those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachineName(String);

impl MachineName {
    /// Validates `text` as a machine name (surrounding whitespace is dropped).
    ///
    /// # Errors
    /// [`MachineError::BadName`] when it is empty, too long, holds another character, or
    /// has no ASCII letter or digit.
    pub fn parse(text: &str) -> Result<MachineName, MachineError> {
        let name = text.trim();
        let bad = |problem: String| MachineError::BadName {
            value: text.escape_debug().to_string(),
            problem,
        };
        if name.is_empty() {
            return Err(bad("is empty".to_string()));
        }
        if let Some(c) = name
            .chars()
            .find(|&c| !(c.is_alphanumeric() || c == ' ' || NAME_PUNCTUATION.contains(&c)))
        {
            return Err(bad(format!(
                "holds '{}', which a machine name cannot hold",
                c.escape_debug()
            )));
        }
        let chars = name.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(bad(format!(
                "is {chars} characters long, more than {MAX_NAME_CHARS}"
            )));
        }
        if !name.bytes().any(|b| b.is_ascii_alphanumeric()) {
            return Err(bad(
                "has no ASCII letter or digit to name its folder with".to_string()
            ));
        }
        Ok(MachineName(name.to_string()))
    }

    /// The name `CONCBENCH_MACHINE_NAME` gives, or `None` when it is unset.
    ///
    /// # Errors
    /// Set but unusable (empty included): see [`MachineName::from_value`].
    pub fn from_env() -> Result<Option<MachineName>, MachineError> {
        MachineName::from_value(std::env::var_os(MACHINE_NAME_VAR))
    }

    /// The name an environment value gives: `None` when unset; set, it must pass
    /// [`MachineName::parse`]. An empty value is an error, not "unset": a CI template whose
    /// name did not expand would otherwise make every leg write the same folder.
    ///
    /// # Errors
    /// [`MachineError::NotUnicode`], or [`MachineName::parse`]'s errors.
    pub fn from_value(value: Option<OsString>) -> Result<Option<MachineName>, MachineError> {
        match value {
            None => Ok(None),
            Some(os) => {
                let text = os.into_string().map_err(|_| MachineError::NotUnicode)?;
                MachineName::parse(&text).map(Some)
            }
        }
    }

    /// The name as given, trimmed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for MachineName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a [`HostIdentity`] was derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostSource {
    /// systemd's `/etc/machine-id`.
    MachineId,
    /// D-Bus's `/var/lib/dbus/machine-id`.
    DbusMachineId,
    /// The host name (other OSes; hosts or containers without a machine id).
    HostName,
}

impl HostSource {
    /// Where the identity came from, for reports, e.g. `/etc/machine-id`.
    pub fn describe(self) -> &'static str {
        match self {
            HostSource::MachineId => "/etc/machine-id",
            HostSource::DbusMachineId => "/var/lib/dbus/machine-id",
            HostSource::HostName => "the host name",
        }
    }
}

/// A stable, private identity of the host a run was measured on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostIdentity {
    /// [`HOST_ID_DIGITS`] lowercase hex digits of the keyed digest, e.g. `3f9a1c2e`.
    pub id: String,
    /// What was digested.
    pub source: HostSource,
}

impl HostIdentity {
    /// `3f9a1c2e (from /etc/machine-id)`.
    pub fn describe(&self) -> String {
        format!("{} (from {})", self.id, self.source.describe())
    }
}

/// The host identity from the first usable source, in order: the machine id, the D-Bus
/// machine id, the host name. A source is unusable when missing, blank, or (a machine id)
/// systemd's `uninitialized` placeholder. `None` when none is usable.
pub fn host_identity_from(
    machine_id: Option<&str>,
    dbus_machine_id: Option<&str>,
    host_name: Option<&str>,
) -> Option<HostIdentity> {
    fn usable_id(text: Option<&str>) -> Option<&str> {
        text.map(str::trim)
            .filter(|t| !t.is_empty() && *t != "uninitialized")
    }
    let (raw, source) = if let Some(id) = usable_id(machine_id) {
        (id, HostSource::MachineId)
    } else if let Some(id) = usable_id(dbus_machine_id) {
        (id, HostSource::DbusMachineId)
    } else {
        let name = host_name.map(str::trim).filter(|t| !t.is_empty())?;
        (name, HostSource::HostName)
    };
    Some(HostIdentity {
        id: digest(raw),
        source,
    })
}

/// [`HOST_ID_DIGITS`] hex digits of SHA-256 over a concbench prefix and `raw`.
fn digest(raw: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"concbench host identity\0");
    hasher.update(raw.as_bytes());
    let bytes = hasher.finalize();
    bytes[..HOST_ID_DIGITS / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads this host's identity: on Linux from its machine id files, then (every OS) from
/// its host name. Never fails; `None` when nothing can be read.
pub fn read_host_identity() -> Option<HostIdentity> {
    #[cfg(target_os = "linux")]
    let (machine_id, dbus_machine_id) = (
        std::fs::read_to_string("/etc/machine-id").ok(),
        std::fs::read_to_string("/var/lib/dbus/machine-id").ok(),
    );
    #[cfg(not(target_os = "linux"))]
    let (machine_id, dbus_machine_id): (Option<String>, Option<String>) = (None, None);
    host_identity_from(
        machine_id.as_deref(),
        dbus_machine_id.as_deref(),
        sysinfo::System::host_name().as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID_A: &str = "0123456789abcdef0123456789abcdef\n";
    const ID_B: &str = "fedcba9876543210fedcba9876543210\n";

    #[test]
    fn the_host_identity_is_a_short_keyed_digest_not_the_id() {
        let a = host_identity_from(Some(ID_A), None, Some("vm")).unwrap();
        assert_eq!(a.source, HostSource::MachineId);
        assert_eq!(a.id.len(), HOST_ID_DIGITS);
        assert!(
            a.id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert!(!ID_A.contains(&a.id), "the id must not show the machine id");
        // Stable: the same id always gives the same digest (a fixed value, so a change of
        // the rule, which would move every machine's folder, fails here).
        assert_eq!(a.id, "0ad5428a");
        assert_eq!(host_identity_from(Some(ID_A.trim()), None, None), Some(a));
        let b = host_identity_from(Some(ID_B), None, None).unwrap();
        assert_ne!(b.id, "0ad5428a");
    }

    #[test]
    fn sources_are_tried_in_order_and_blank_ones_skipped() {
        let by = |m, d, h| host_identity_from(m, d, h).map(|i| i.source);
        assert_eq!(
            by(Some(ID_A), Some(ID_B), Some("vm")),
            Some(HostSource::MachineId)
        );
        assert_eq!(
            by(Some(""), Some(ID_B), Some("vm")),
            Some(HostSource::DbusMachineId)
        );
        assert_eq!(
            by(Some("uninitialized\n"), None, Some("vm")),
            Some(HostSource::HostName)
        );
        assert_eq!(
            by(None, Some("  \n"), Some(" vm ")),
            Some(HostSource::HostName)
        );
        assert_eq!(by(None, None, Some("")), None);
        assert_eq!(by(None, None, None), None);
        // The D-Bus file usually holds the same id: the same host, the same identity.
        assert_eq!(
            host_identity_from(None, Some(ID_A), None).unwrap().id,
            host_identity_from(Some(ID_A), None, None).unwrap().id
        );
        assert_ne!(
            host_identity_from(None, None, Some("node-1")).unwrap().id,
            host_identity_from(None, None, Some("node-2")).unwrap().id
        );
    }

    #[test]
    fn good_names_are_kept_trimmed() {
        for (given, kept) in [
            ("laptop", "laptop"),
            ("  ci-linux-1 \n", "ci-linux-1"),
            ("Lab PC (room 2.14)", "Lab PC (room 2.14)"),
            ("ubuntu-latest:x86_64", "ubuntu-latest:x86_64"),
            ("büro-rechner", "büro-rechner"),
            ("a", "a"),
        ] {
            assert_eq!(MachineName::parse(given).unwrap().as_str(), kept);
        }
        let longest = "n".repeat(MAX_NAME_CHARS);
        assert_eq!(MachineName::parse(&longest).unwrap().as_str(), longest);
    }

    #[test]
    fn bad_names_say_what_is_wrong_and_what_to_do() {
        for (given, problem) in [
            ("", "is empty"),
            ("   ", "is empty"),
            ("---", "has no ASCII letter or digit"),
            ("...", "has no ASCII letter or digit"),
            ("ноутбук", "has no ASCII letter or digit"),
            ("a/b", "holds '/'"),
            ("lap|top", "holds '|'"),
            ("two\nlines", "holds '\\n'"),
        ] {
            let err = MachineName::parse(given).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with(MACHINE_NAME_VAR), "{text}");
            assert!(text.contains(problem), "{given:?}: {text}");
            assert!(text.contains("such as laptop"), "{text}");
            assert!(!text.contains('\n'), "one line: {text:?}");
            assert!(err.is_usage());
        }
        let long = "n".repeat(MAX_NAME_CHARS + 1);
        assert!(
            MachineName::parse(&long)
                .unwrap_err()
                .to_string()
                .contains("is 49 characters long, more than 48")
        );
    }

    #[test]
    fn an_unset_variable_is_no_name_and_an_empty_one_an_error() {
        assert_eq!(MachineName::from_value(None).unwrap(), None);
        assert_eq!(
            MachineName::from_value(Some("lab-1".into())).unwrap(),
            Some(MachineName::parse("lab-1").unwrap())
        );
        assert!(matches!(
            MachineName::from_value(Some("".into())),
            Err(MachineError::BadName { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let invalid = OsString::from_vec(vec![b'l', 0xff, b'p']);
            assert!(matches!(
                MachineName::from_value(Some(invalid)),
                Err(MachineError::NotUnicode)
            ));
        }
    }
}
