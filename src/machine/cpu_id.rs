//! Which CPU, beyond its brand string: vendor, family, model and stepping, the cache sizes
//! and a digest of the feature flags. Cloud VMs often report a bare brand (`AMD EPYC`), and
//! two runs behind the same brand on different host CPUs can differ by tens of percent;
//! these readings tell them apart.
//!
//! On Linux they come from `/proc/cpuinfo` (the first processor's block) and
//! `/sys/devices/system/cpu/cpu0/cache/index*/{level,type,size}`; other OSes have none
//! (`None`). The parsers take text ([`parse_cpuinfo`], [`parse_cache`]) or a folder
//! ([`read_caches`]), so tests feed them fixtures; only [`read`] knows the real paths.
//!
//! To record another field, add it to [`CpuId`] as an `Option` with `#[serde(default)]` (so
//! older results files still read), fill it in [`parse_cpuinfo`], and show it in one of the
//! `describe_*` methods, which the report and `compare` print.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Hex digits of [`CpuId::flags_digest`].
pub const FLAGS_DIGEST_DIGITS: usize = 8;

/// The identity of CPU 0. Every field may be missing (an OS or a VM that does not say).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuId {
    /// x86 `vendor_id` (`AuthenticAMD`, `GenuineIntel`); ARM `CPU implementer` (`0x41`
    /// for Arm Ltd).
    #[serde(default)]
    pub vendor: Option<String>,
    /// x86 `cpu family` (e.g. 25 for AMD Zen 3 and 4, 6 for most Intel cores); ARM
    /// `CPU architecture` (e.g. 8).
    #[serde(default)]
    pub family: Option<u32>,
    /// x86 `model` (decimal); ARM `CPU part` (e.g. 3340 = 0xd0c, Neoverse N1).
    #[serde(default)]
    pub model: Option<u32>,
    /// x86 `stepping`; ARM `CPU revision`.
    #[serde(default)]
    pub stepping: Option<u32>,
    /// Number of distinct feature flags (x86 `flags`, ARM `Features`).
    #[serde(default)]
    pub flag_count: Option<usize>,
    /// First [`FLAGS_DIGEST_DIGITS`] hex digits of SHA-256 over the distinct flags, sorted
    /// and joined by spaces: equal digests mean the same instruction set extensions (and
    /// the same kernel's view of them: a kernel that knows more flags lists more).
    #[serde(default)]
    pub flags_digest: Option<String>,
    /// CPU 0's caches, by level then kind; empty when not reported.
    #[serde(default)]
    pub caches: Vec<CpuCache>,
}

/// One cache as CPU 0 sees it (a shared cache's whole size).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CpuCache {
    /// 1 for L1, 2 for L2, ...
    pub level: u8,
    /// What it holds.
    pub kind: CacheKind,
    /// Size in bytes.
    pub size_bytes: u64,
}

/// What a cache holds (sysfs `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheKind {
    /// Data only (`Data`).
    Data,
    /// Instructions only (`Instruction`).
    Instruction,
    /// Both (`Unified`).
    Unified,
}

impl CpuCache {
    /// `L1d 48 KiB`, `L1i 32 KiB`, `L2 1 MiB`.
    pub fn describe(&self) -> String {
        let suffix = match self.kind {
            CacheKind::Data => "d",
            CacheKind::Instruction => "i",
            CacheKind::Unified => "",
        };
        const KIB: u64 = 1024;
        const MIB: u64 = 1024 * 1024;
        let size = if self.size_bytes >= MIB && self.size_bytes % MIB == 0 {
            format!("{} MiB", self.size_bytes / MIB)
        } else if self.size_bytes % KIB == 0 {
            format!("{} KiB", self.size_bytes / KIB)
        } else {
            format!("{} bytes", self.size_bytes)
        };
        format!("L{}{suffix} {size}", self.level)
    }
}

impl CpuId {
    /// True when nothing at all was read.
    pub fn is_empty(&self) -> bool {
        *self == CpuId::default()
    }

    /// `AuthenticAMD family 25 model 1 stepping 1`, with only the parts known; `None` when
    /// none is.
    pub fn describe_id(&self) -> Option<String> {
        let mut parts: Vec<String> = self.vendor.iter().cloned().collect();
        for (word, value) in [
            ("family", self.family),
            ("model", self.model),
            ("stepping", self.stepping),
        ] {
            if let Some(v) = value {
                parts.push(format!("{word} {v}"));
            }
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// `L1d 48 KiB, L1i 32 KiB, L2 1 MiB, L3 32 MiB`; `None` without caches.
    pub fn describe_caches(&self) -> Option<String> {
        (!self.caches.is_empty()).then(|| {
            self.caches
                .iter()
                .map(CpuCache::describe)
                .collect::<Vec<_>>()
                .join(", ")
        })
    }

    /// `1a2b3c4d (98 flags)`; `None` without flags.
    pub fn describe_flags(&self) -> Option<String> {
        let digest = self.flags_digest.as_ref()?;
        Some(match self.flag_count {
            Some(n) => format!("{digest} ({n} flags)"),
            None => digest.clone(),
        })
    }
}

/// The identity in `/proc/cpuinfo` text: the first processor's block (up to the first blank
/// line after a field), x86 or ARM keys. Numbers are decimal, or hex with `0x`. Caches are
/// not in it (see [`read_caches`]).
pub fn parse_cpuinfo(text: &str) -> CpuId {
    let mut id = CpuId::default();
    let mut seen = false;
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            if seen && line.trim().is_empty() {
                break;
            }
            continue;
        };
        seen = true;
        let value = value.trim();
        match key.trim() {
            "vendor_id" | "CPU implementer" if !value.is_empty() => {
                id.vendor = Some(value.to_string());
            }
            "cpu family" | "CPU architecture" => id.family = number(value),
            "model" | "CPU part" => id.model = number(value),
            "stepping" | "CPU revision" => id.stepping = number(value),
            "flags" | "Features" => {
                let mut flags: Vec<&str> = value.split_whitespace().collect();
                flags.sort_unstable();
                flags.dedup();
                if !flags.is_empty() {
                    id.flag_count = Some(flags.len());
                    id.flags_digest = Some(flags_digest(&flags));
                }
            }
            _ => {}
        }
    }
    id
}

/// A decimal number, or a hex one written `0x...`.
fn number(text: &str) -> Option<u32> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// SHA-256 of the sorted, distinct flags joined by spaces, cut to [`FLAGS_DIGEST_DIGITS`].
fn flags_digest(sorted: &[&str]) -> String {
    let digest = Sha256::digest(sorted.join(" ").as_bytes());
    digest[..FLAGS_DIGEST_DIGITS / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One cache from the texts of its sysfs files `level` (`2`), `type` (`Data`,
/// `Instruction`, `Unified`) and `size` (`48K`, `1024K`, `32M`, or bytes). `None` when one
/// does not parse or the kind is another.
pub fn parse_cache(level: &str, kind: &str, size: &str) -> Option<CpuCache> {
    let level: u8 = level.trim().parse().ok()?;
    let kind = match kind.trim() {
        "Data" => CacheKind::Data,
        "Instruction" => CacheKind::Instruction,
        "Unified" => CacheKind::Unified,
        _ => return None,
    };
    let size = size.trim();
    let (digits, unit) = match size.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => (&size[..at], &size[at..]),
        None => (size, ""),
    };
    let multiplier: u64 = match unit {
        "" => 1,
        "K" | "KB" | "KiB" => 1 << 10,
        "M" | "MB" | "MiB" => 1 << 20,
        "G" | "GB" | "GiB" => 1 << 30,
        _ => return None,
    };
    let size_bytes = digits.parse::<u64>().ok()?.checked_mul(multiplier)?;
    (size_bytes > 0).then_some(CpuCache {
        level,
        kind,
        size_bytes,
    })
}

/// The caches described under a sysfs cache folder (`index0/`, `index1/`, ... each with
/// `level`, `type` and `size`), sorted by level then kind. Entries that cannot be read or
/// parsed are left out; a missing folder gives none.
pub fn read_caches(dir: &Path) -> Vec<CpuCache> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut caches: Vec<CpuCache> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("index"))
        .filter_map(|e| {
            let field = |name: &str| std::fs::read_to_string(e.path().join(name)).ok();
            parse_cache(&field("level")?, &field("type")?, &field("size")?)
        })
        .collect();
    caches.sort_unstable();
    caches.dedup();
    caches
}

/// This machine's CPU identity: on Linux from `/proc/cpuinfo` and CPU 0's sysfs caches;
/// `None` elsewhere or when nothing can be read. Never fails.
pub fn read() -> Option<CpuId> {
    #[cfg(target_os = "linux")]
    {
        let mut id = std::fs::read_to_string("/proc/cpuinfo")
            .map(|text| parse_cpuinfo(&text))
            .unwrap_or_default();
        id.caches = read_caches(Path::new("/sys/devices/system/cpu/cpu0/cache"));
        (!id.is_empty()).then_some(id)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first two processors of a 2-vCPU cloud VM (flags shortened).
    const X86: &str = "processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 26
model\t\t: 2
model name\t: AMD EPYC
stepping\t: 1
microcode\t: 0x1000065
flags\t\t: fpu vme de pse tsc msr sse sse2 avx2 sha_ni avx512f
bogomips\t: 5192.19

processor\t: 1
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 85
stepping\t: 7
flags\t\t: fpu
";

    /// An ARM server (Neoverse N1).
    const ARM: &str = "processor\t: 0
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1

processor\t: 1
";

    #[test]
    fn x86_cpuinfo_gives_the_first_processors_identity() {
        let id = parse_cpuinfo(X86);
        assert_eq!(id.vendor.as_deref(), Some("AuthenticAMD"));
        assert_eq!(
            (id.family, id.model, id.stepping),
            (Some(26), Some(2), Some(1))
        );
        assert_eq!(id.flag_count, Some(11));
        let digest = id.flags_digest.clone().unwrap();
        assert_eq!(digest.len(), FLAGS_DIGEST_DIGITS);
        assert_eq!(
            id.describe_id().unwrap(),
            "AuthenticAMD family 26 model 2 stepping 1"
        );
        assert_eq!(id.describe_flags().unwrap(), format!("{digest} (11 flags)"));
        assert_eq!(id.describe_caches(), None);
    }

    #[test]
    fn arm_cpuinfo_maps_its_own_keys() {
        let id = parse_cpuinfo(ARM);
        assert_eq!(id.vendor.as_deref(), Some("0x41"));
        assert_eq!(
            (id.family, id.model, id.stepping),
            (Some(8), Some(0xd0c), Some(1))
        );
        assert_eq!(id.flag_count, Some(12));
    }

    #[test]
    fn the_flags_digest_ignores_order_and_repeats_but_not_a_flag() {
        let digest = |flags: &str| parse_cpuinfo(&format!("flags : {flags}\n")).flags_digest;
        let base = digest("sse2 avx2 fpu");
        assert!(base.is_some());
        assert_eq!(digest("fpu  sse2 avx2 avx2"), base);
        assert_ne!(digest("fpu sse2 avx2 avx512f"), base);
        assert_ne!(digest("fpu sse2"), base);
        assert_eq!(digest(""), None);
    }

    #[test]
    fn empty_or_foreign_text_gives_nothing() {
        assert!(parse_cpuinfo("").is_empty());
        assert!(parse_cpuinfo("no fields here\n\n").is_empty());
        let id = parse_cpuinfo("cpu family : x\nmodel : \nvendor_id :\n");
        assert!(id.is_empty(), "{id:?}");
        assert_eq!(id.describe_id(), None);
        assert_eq!(id.describe_flags(), None);
    }

    #[test]
    fn cache_entries_parse_with_their_units() {
        let cache = parse_cache;
        assert_eq!(
            cache("1\n", "Data\n", "48K\n"),
            Some(CpuCache {
                level: 1,
                kind: CacheKind::Data,
                size_bytes: 48 << 10
            })
        );
        assert_eq!(
            cache("3", "Unified", "32768K").unwrap().size_bytes,
            32 << 20
        );
        assert_eq!(cache("2", "Unified", "2M").unwrap().size_bytes, 2 << 20);
        assert_eq!(cache("2", "Unified", "65536").unwrap().size_bytes, 65536);
        assert_eq!(cache("x", "Data", "48K"), None);
        assert_eq!(cache("1", "Trace", "48K"), None);
        assert_eq!(cache("1", "Data", "48Q"), None);
        assert_eq!(cache("1", "Data", "0K"), None);
        assert_eq!(cache("1", "Data", ""), None);
    }

    #[test]
    fn caches_are_read_from_a_sysfs_folder_in_order() {
        let dir = tempfile::tempdir().unwrap();
        for (index, level, kind, size) in [
            ("index3", "3", "Unified", "32768K"),
            ("index0", "1", "Data", "48K"),
            ("index2", "2", "Unified", "1024K"),
            ("index1", "1", "Instruction", "32K"),
            ("index4", "4", "Unified", "broken"),
        ] {
            let d = dir.path().join(index);
            std::fs::create_dir(&d).unwrap();
            for (file, text) in [("level", level), ("type", kind), ("size", size)] {
                std::fs::write(d.join(file), format!("{text}\n")).unwrap();
            }
        }
        std::fs::create_dir(dir.path().join("uevent-like")).unwrap();
        let caches = read_caches(dir.path());
        let id = CpuId {
            caches,
            ..CpuId::default()
        };
        assert_eq!(
            id.describe_caches().unwrap(),
            "L1d 48 KiB, L1i 32 KiB, L2 1 MiB, L3 32 MiB"
        );
        assert!(read_caches(&dir.path().join("missing")).is_empty());
    }
}
