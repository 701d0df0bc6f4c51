//! Client versions (`X-Client-Version`): `major.minor.patch`, compared numerically.

use std::fmt;

/// A `major.minor.patch` version. A pre-release or build suffix (`-beta.1`, `+42`) is
/// accepted and ignored: only the three numbers are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
}

impl Version {
    /// Parses `1.2.3` (optionally followed by `-…` or `+…`); `None` when malformed.
    pub fn parse(text: &str) -> Option<Version> {
        let core = text.trim().split(['-', '+']).next()?;
        let mut numbers = core.split('.').map(|part| {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| part.parse::<u64>().ok()).flatten()
        });
        let version = Version {
            major: numbers.next()??,
            minor: numbers.next()??,
            patch: numbers.next()??,
        };
        numbers.next().is_none().then_some(version)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number_not_by_text() {
        let v = |text| Version::parse(text).unwrap();
        assert!(v("0.10.0") > v("0.9.9"));
        assert!(v("1.0.0") > v("0.99.99"));
        assert_eq!(v("1.2.3-beta.1"), v("1.2.3"));
        assert_eq!(v("1.2.3+7"), v("1.2.3"));
        assert_eq!(v(" 1.2.3 ").to_string(), "1.2.3");
    }

    #[test]
    fn malformed_versions_are_rejected() {
        for text in [
            "", "1", "1.2", "1.2.3.4", "1..3", "a.b.c", "1.2.x", "-1.2.3", "v1.2.3",
        ] {
            assert_eq!(Version::parse(text), None, "{text}");
        }
    }
}
