//! Shortening CPU brand strings for titles, and turning them into folder names.
//!
//! The rule, applied word by word to the brand the OS reports:
//! 1. trademark marks go: `(R)`, `(TM)`, `(C)`, `®`, `™` (any case);
//! 2. everything from a word `with` on goes (`... with Radeon Graphics`);
//! 3. the clock after `@` goes, unless no word left has a digit in it (then the clock is the
//!    only thing telling two such CPUs apart: `Intel(R) Xeon(R) CPU @ 2.20GHz` becomes
//!    `Intel Xeon 2.20GHz`);
//! 4. the words `CPU` and `Processor` and core-count words ending in `-Core` (`64-Core`,
//!    `Quad-Core`) go.
//!
//! [`slugify`] then keeps ASCII letters and digits, lowercased, and turns every other run of
//! characters into one `-`. To teach the rule a new noise word, add it to [`is_noise`] and a
//! case to the tests below.

/// Longest slug [`slugify`] returns (before the caller's `-{n}cpu` suffix).
const MAX_SLUG: usize = 48;

/// The brand without marketing noise, case kept, e.g. `AMD EPYC 7B13 64-Core Processor` ->
/// `AMD EPYC 7B13`. Empty when the brand is empty.
pub fn short_brand(brand: &str) -> String {
    let mut text = brand.to_string();
    for mark in ["(R)", "(r)", "(TM)", "(tm)", "(Tm)", "(C)", "(c)", "®", "™"] {
        text = text.replace(mark, " ");
    }
    let (model, clock) = match text.split_once('@') {
        Some((model, clock)) => (model, clock.trim()),
        None => (text.as_str(), ""),
    };
    let mut words: Vec<&str> = model
        .split_whitespace()
        .take_while(|w| !w.eq_ignore_ascii_case("with"))
        .filter(|w| !is_noise(w))
        .collect();
    let has_model_number = words.iter().any(|w| w.bytes().any(|b| b.is_ascii_digit()));
    if !has_model_number && !clock.is_empty() {
        words.extend(
            clock
                .split_whitespace()
                .take_while(|w| !w.eq_ignore_ascii_case("with")),
        );
    }
    words.join(" ")
}

/// Words that say nothing about which CPU this is.
fn is_noise(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower == "cpu"
        || lower == "processor"
        || (lower.len() > "-core".len() && lower.ends_with("-core"))
}

/// Lowercase ASCII letters and digits, other runs of characters as one `-`, no leading or
/// trailing `-`, at most 48 characters (cut at a `-`). Safe as a folder name everywhere.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.len() > MAX_SLUG {
        let cut = slug[..=MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        slug.truncate(cut);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_brand_strings_shorten_readably() {
        let cases = [
            ("AMD EPYC 7B13 64-Core Processor", "AMD EPYC 7B13"),
            ("AMD EPYC", "AMD EPYC"),
            ("Intel(R) Xeon(R) CPU @ 2.20GHz", "Intel Xeon 2.20GHz"),
            (
                "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz",
                "Intel Core i7-8650U",
            ),
            (
                "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz",
                "Intel Xeon Platinum 8375C",
            ),
            (
                "12th Gen Intel(R) Core(TM) i7-1260P",
                "12th Gen Intel Core i7-1260P",
            ),
            (
                "AMD Ryzen 7 5800H with Radeon Graphics",
                "AMD Ryzen 7 5800H",
            ),
            ("AMD Ryzen 9 5950X 16-Core Processor", "AMD Ryzen 9 5950X"),
            (
                "Quad-Core AMD Opteron(tm) Processor 2374 HE",
                "AMD Opteron 2374 HE",
            ),
            ("Apple M2", "Apple M2"),
            ("Apple M2 Pro", "Apple M2 Pro"),
            ("Neoverse-N1", "Neoverse-N1"),
            ("", ""),
            ("   ", ""),
        ];
        for (brand, want) in cases {
            assert_eq!(short_brand(brand), want, "brand {brand:?}");
        }
    }

    #[test]
    fn slugs_are_lowercase_ascii_with_single_dashes() {
        assert_eq!(slugify("Intel Xeon 2.20GHz"), "intel-xeon-2-20ghz");
        assert_eq!(slugify("AMD EPYC 7B13"), "amd-epyc-7b13");
        assert_eq!(slugify("  --Apple  M2--  "), "apple-m2");
        assert_eq!(slugify("Ünïcode/../CPU"), "n-code-cpu");
        assert_eq!(slugify("../../etc"), "etc");
        assert_eq!(slugify(""), "");
        let long = slugify(&"word ".repeat(30));
        assert!(long.len() <= MAX_SLUG && !long.ends_with('-'), "{long}");
        assert!(long.starts_with("word-word"), "{long}");
    }
}
