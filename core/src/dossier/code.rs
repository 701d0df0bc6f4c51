//! Dossier codes as citizens type them, read leniently into one canonical spelling.
//!
//! iGate codes look like `000.00.12.H39-250315-0042`: the receiving agency's id (dot-separated
//! groups ending in the province suffix, H39 for Long An), the day the dossier was received
//! (`yymmdd`) and a sequence number. People type them with spaces, in lower case, with `–`, `—`
//! or spaces for `-`, or without the leading `000.` group; all of these give the same canonical
//! code (upper case, `.` inside the agency id, `-` between the three parts).
//!
//! Anything else that is plausible (other vendors' codes, and iGate-shaped codes whose date part
//! is not a calendar date, such as `…-251345-…`) is kept as [`DossierCode::Opaque`] rather than
//! rejected: the portal, not this parser, knows which codes exist, and a citizen must never be
//! blocked from looking up what is printed on a receipt because we guessed its format wrong. Only
//! input that cannot be a code at all is an error.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;

use crate::calendar::LocalDate;
use crate::text::{display_form, is_dossier_code};

/// Fewest characters of a plausible code.
pub const MIN_CODE_CHARS: usize = 8;
/// Most characters of a plausible code.
pub const MAX_CODE_CHARS: usize = 40;
/// Longer input (after trimming) is rejected before any other work: no typed code is this long
/// even with a space around every character, and the work stays bounded for pasted paragraphs.
const MAX_INPUT_CHARS: usize = 4 * MAX_CODE_CHARS;

/// A dossier code in its canonical spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DossierCode {
    /// An iGate code `<agency id>-<yymmdd>-<sequence>` whose date part is a calendar date.
    IGate(IGateCode),
    /// Any other plausible code: 8 to 40 letters, digits, `.`, `-`, `/` or `_` with at least one
    /// digit, upper-cased. Sent to the portal as it is.
    Opaque(String),
}

/// Why an input is not a dossier code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierCodeError {
    /// Nothing but spaces, punctuation around nothing, or invisible characters.
    #[error("no dossier code was given")]
    Empty,
    /// Longer than any dossier code.
    #[error("a dossier code has at most {max} characters, this has {length}")]
    TooLong {
        /// Characters in the input (trimmed) or in the code read from it.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// Shorter than any dossier code.
    #[error("a dossier code has at least {min} characters, this has {length}")]
    TooShort {
        /// Characters in the code read from the input.
        length: usize,
        /// The limit.
        min: usize,
    },
    /// Every dossier code has digits (at least its date or number).
    #[error("a dossier code has at least one digit")]
    NoDigit,
    /// A character that no dossier code contains (only letters, digits, `.`, `-`, `/`, `_`).
    #[error("a dossier code cannot contain {0:?}")]
    ForbiddenCharacter(char),
}

/// An iGate dossier code, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IGateCode {
    /// The canonical spelling; the parts are slices of it.
    canonical: String,
    /// Bytes of the agency id at the start of `canonical`.
    agency_len: usize,
    /// The date part, read as a date.
    received: LocalDate,
}

impl DossierCode {
    /// Reads a code as typed: spaces, case, unicode dashes, full-width characters, quotes
    /// around it and a missing leading `000.` group are forgiven. Never panics.
    pub fn parse(input: &str) -> Result<DossierCode, DossierCodeError> {
        let trimmed = trim_wrapping(input);
        let length = trimmed.chars().count();
        if length > MAX_INPUT_CHARS {
            return Err(DossierCodeError::TooLong {
                length,
                max: MAX_CODE_CHARS,
            });
        }
        let pieces = compact(classify(trimmed)?);
        if pieces.is_empty() {
            return Err(DossierCodeError::Empty);
        }
        match igate_form(&pieces) {
            Some((canonical, _)) if canonical.len() > MAX_CODE_CHARS => {
                Err(DossierCodeError::TooLong {
                    length: canonical.len(),
                    max: MAX_CODE_CHARS,
                })
            }
            Some((canonical, agency_len)) => Ok(match date_of(&canonical, agency_len) {
                Some(received) => DossierCode::IGate(IGateCode {
                    canonical,
                    agency_len,
                    received,
                }),
                // Right shape, impossible date: a typo or another vendor's scheme; the portal
                // decides (see the module comment).
                None => DossierCode::Opaque(canonical),
            }),
            None => opaque_form(&pieces).map(DossierCode::Opaque),
        }
    }

    /// The canonical spelling, as sent to the portal and stored.
    pub fn as_str(&self) -> &str {
        match self {
            DossierCode::IGate(code) => code.as_str(),
            DossierCode::Opaque(code) => code,
        }
    }

    /// The iGate parts, when the code has that form.
    pub fn as_igate(&self) -> Option<&IGateCode> {
        match self {
            DossierCode::IGate(code) => Some(code),
            DossierCode::Opaque(_) => None,
        }
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DossierCode {
    type Err = DossierCodeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        DossierCode::parse(input)
    }
}

impl IGateCode {
    /// The canonical spelling, e.g. `000.00.12.H39-250315-0042`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The receiving agency's id, e.g. `000.00.12.H39`.
    pub fn agency_id(&self) -> &str {
        &self.canonical[..self.agency_len]
    }

    /// The day the dossier was received (the `yymmdd` part, read as 20yy).
    pub fn received_on(&self) -> LocalDate {
        self.received
    }

    /// The sequence number as printed, leading zeros kept, e.g. `0042`.
    pub fn sequence(&self) -> &str {
        // Agency id, '-', six date digits, '-'.
        &self.canonical[self.agency_len + 8..]
    }
}

/// One character of the input, as far as codes are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// An upper-case ASCII letter, a digit, `/` or `_`.
    Char(char),
    Dot,
    Dash,
    Space,
}

/// Characters people put around a code when they paste or quote it.
fn trim_wrapping(input: &str) -> &str {
    input.trim_matches(|c: char| c.is_whitespace() || "\"'`“”‘’«»()[]{}<>,;".contains(c))
}

/// Classifies every character; display form first (invisible characters dropped, controls made
/// spaces), then compatibility forms (full-width `Ｈ３９` → `H39`).
fn classify(text: &str) -> Result<Vec<Piece>, DossierCodeError> {
    display_form(text)
        .nfkc()
        .map(|c| match c {
            _ if c.is_whitespace() => Ok(Piece::Space),
            // Hyphen, non-breaking hyphen, figure dash, en and em dash, minus, small hyphen:
            // keyboards and word processors turn `-` into any of them.
            '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' => Ok(Piece::Dash),
            // The ideographic full stop some input methods type for `.`.
            '.' | '\u{3002}' | '\u{ff61}' => Ok(Piece::Dot),
            '/' | '_' => Ok(Piece::Char(c)),
            _ if c.is_ascii_alphanumeric() => Ok(Piece::Char(c.to_ascii_uppercase())),
            _ => Err(DossierCodeError::ForbiddenCharacter(c)),
        })
        .collect()
}

/// Drops the spaces around separators (`H39 - 250315`), merges runs of spaces, and trims
/// separators at both ends (a full stop after the code ends a sentence, not the code).
fn compact(pieces: Vec<Piece>) -> Vec<Piece> {
    let is_separator = |p: &Piece| matches!(p, Piece::Dot | Piece::Dash | Piece::Char('/' | '_'));
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for (i, piece) in pieces.iter().enumerate() {
        if *piece == Piece::Space {
            let after_separator = out
                .last()
                .is_none_or(|p| is_separator(p) || *p == Piece::Space);
            let before_separator = pieces[i + 1..]
                .iter()
                .find(|p| **p != Piece::Space)
                .is_none_or(is_separator);
            if after_separator || before_separator {
                continue;
            }
        }
        out.push(*piece);
    }
    let is_end_junk = |p: &Piece| matches!(p, Piece::Dot | Piece::Dash | Piece::Space);
    let start = out
        .iter()
        .position(|p| !is_end_junk(p))
        .unwrap_or(out.len());
    let end = out
        .iter()
        .rposition(|p| !is_end_junk(p))
        .map_or(start, |i| i + 1);
    out[start..end].to_vec()
}

/// The canonical iGate spelling and the length of its agency id, when the pieces have the
/// shape `<groups>-<6 digits>-<3 to 8 digits>` with any of `.`, `-`, space between groups.
fn igate_form(pieces: &[Piece]) -> Option<(String, usize)> {
    let mut groups: Vec<String> = Vec::new();
    let mut current = String::new();
    for piece in pieces {
        match piece {
            Piece::Char('/' | '_') => return None,
            Piece::Char(c) => current.push(*c),
            Piece::Dot | Piece::Dash | Piece::Space if !current.is_empty() => {
                groups.push(std::mem::take(&mut current));
            }
            _ => {}
        }
    }
    groups.extend((!current.is_empty()).then_some(current));
    if groups.len() < 3 {
        return None;
    }
    let (agency, tail) = groups.split_at(groups.len() - 2);
    let mut agency = agency.to_vec();
    // `00.12.H39`: the all-zero first group of `000.00.12.H39` is the one people leave out.
    if is_agency_without_first_group(&agency) {
        agency.insert(0, "000".to_string());
    }
    let agency = agency.join(".");
    let canonical = format!("{agency}-{}-{}", tail[0], tail[1]);
    // The one definition of the shape is the free-text scanner's.
    is_dossier_code(&canonical).then_some((canonical, agency.len()))
}

/// True for `dd.dd.Ldd`: three of the four groups of an agency id, the last one the province
/// suffix (`H39`).
fn is_agency_without_first_group(groups: &[String]) -> bool {
    let digits = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_digit());
    match groups {
        [second, third, suffix] => {
            let suffix = suffix.as_bytes();
            digits(second, 2)
                && digits(third, 2)
                && suffix.len() == 3
                && suffix[0].is_ascii_uppercase()
                && suffix[1..].iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// The `yymmdd` part of a canonical iGate spelling as a date in 2000–2099.
fn date_of(canonical: &str, agency_len: usize) -> Option<LocalDate> {
    let digits = canonical.get(agency_len + 1..agency_len + 7)?;
    let number = |range: std::ops::Range<usize>| digits.get(range)?.parse::<u8>().ok();
    LocalDate::new(
        2000 + i32::from(number(0..2)?),
        number(2..4)?,
        number(4..6)?,
    )
    .ok()
}

/// The opaque spelling: the pieces as they are, when plausible.
fn opaque_form(pieces: &[Piece]) -> Result<String, DossierCodeError> {
    let mut code = String::with_capacity(pieces.len());
    for piece in pieces {
        code.push(match piece {
            Piece::Char(c) => *c,
            Piece::Dot => '.',
            Piece::Dash => '-',
            // A space between two letters or digits: we cannot tell whether it separates parts
            // or is noise, so we do not guess.
            Piece::Space => return Err(DossierCodeError::ForbiddenCharacter(' ')),
        });
    }
    // Pieces are ASCII, so bytes are characters.
    if code.len() > MAX_CODE_CHARS {
        Err(DossierCodeError::TooLong {
            length: code.len(),
            max: MAX_CODE_CHARS,
        })
    } else if !code.bytes().any(|b| b.is_ascii_digit()) {
        Err(DossierCodeError::NoDigit)
    } else if code.len() < MIN_CODE_CHARS {
        Err(DossierCodeError::TooShort {
            length: code.len(),
            min: MIN_CODE_CHARS,
        })
    } else {
        Ok(code)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    const CANONICAL: &str = "000.00.12.H39-250315-0042";

    fn canonical(input: &str) -> String {
        match DossierCode::parse(input) {
            Ok(code) => code.to_string(),
            Err(error) => panic!("{input:?} did not parse: {error}"),
        }
    }

    #[test]
    fn a_canonical_igate_code_is_split_into_its_parts() {
        let code = DossierCode::parse(CANONICAL).unwrap();
        let igate = code.as_igate().expect("iGate form");
        assert_eq!(igate.as_str(), CANONICAL);
        assert_eq!(igate.agency_id(), "000.00.12.H39");
        assert_eq!(igate.received_on(), LocalDate::new(2025, 3, 15).unwrap());
        assert_eq!(igate.received_on().to_string(), "2025-03-15");
        assert_eq!(igate.sequence(), "0042");
    }

    #[test]
    fn the_design_example_from_another_province_is_an_igate_code() {
        let code = DossierCode::parse("000.00.53.H48-220921-0099").unwrap();
        let igate = code.as_igate().unwrap();
        assert_eq!(igate.agency_id(), "000.00.53.H48");
        assert_eq!(
            (
                igate.received_on().year(),
                igate.received_on().month(),
                igate.received_on().day()
            ),
            (2022, 9, 21)
        );
        assert_eq!(igate.sequence(), "0099");
    }

    #[test]
    fn typing_variations_give_the_canonical_code() {
        for input in [
            "000.00.12.h39-250315-0042",
            "  000.00.12.H39-250315-0042  ",
            "000.00.12.H39 - 250315 - 0042",
            "000.00.12.H39 250315 0042",
            "000.00.12.H39–250315–0042",
            "000.00.12.H39—250315—0042",
            "000.00.12.H39\u{2011}250315\u{2212}0042",
            "000. 00. 12. H39-250315-0042",
            "000 00 12 H39 250315 0042",
            "000-00-12-H39-250315-0042",
            "000.00.12.H39.250315.0042",
            "000.00.12.H39--250315-0042",
            "00.12.H39-250315-0042",
            "00.12.h39 250315 0042",
            "０００.００.１２.Ｈ３９-２５０３１５-００４２",
            "000\u{3002}00\u{3002}12\u{3002}H39-250315-0042",
            "000.00.12.H39-250315-0042.",
            "\"000.00.12.H39-250315-0042\"",
            "“000.00.12.H39-250315-0042”",
            "(000.00.12.H39-250315-0042)",
            "000.00.12.H39-250315-0042\u{200b}",
            "\t000.00.12.H39-250315-0042\n",
        ] {
            assert_eq!(canonical(input), CANONICAL, "{input:?}");
            assert!(DossierCode::parse(input).unwrap().as_igate().is_some());
        }
    }

    #[test]
    fn other_agency_shapes_keep_their_groups() {
        assert_eq!(canonical("h39.22-250315-00123"), "H39.22-250315-00123");
        assert_eq!(canonical("G01.123-240229-001"), "G01.123-240229-001");
    }

    #[test]
    fn an_impossible_date_makes_an_opaque_code_in_canonical_spelling() {
        for (input, expected) in [
            ("000.00.12.H39-251345-0042", "000.00.12.H39-251345-0042"),
            ("000.00.12.h39 251345 0042", "000.00.12.H39-251345-0042"),
            ("000.00.12.H39-250230-0042", "000.00.12.H39-250230-0042"),
            ("000.00.12.H39-250100-0042", "000.00.12.H39-250100-0042"),
        ] {
            let code = DossierCode::parse(input).unwrap();
            assert_eq!(code, DossierCode::Opaque(expected.to_string()), "{input:?}");
        }
    }

    #[test]
    fn a_leap_day_is_a_date_only_in_a_leap_year() {
        let leap = DossierCode::parse("000.00.12.H39-240229-0001").unwrap();
        assert_eq!(
            leap.as_igate().unwrap().received_on().to_string(),
            "2024-02-29"
        );
        let common = DossierCode::parse("000.00.12.H39-250229-0001").unwrap();
        assert_eq!(
            common,
            DossierCode::Opaque("000.00.12.H39-250229-0001".into())
        );
    }

    #[test]
    fn plausible_codes_of_other_shapes_are_kept_opaque_and_upper_cased() {
        for (input, expected) in [
            ("hs-2025/00123", "HS-2025/00123"),
            ("  TNH_2025_000042 ", "TNH_2025_000042"),
            ("000.00.12.H39-250315-42", "000.00.12.H39-250315-42"),
            ("12345678", "12345678"),
            ("ABC - 2025 / 123", "ABC-2025/123"),
        ] {
            assert_eq!(
                DossierCode::parse(input),
                Ok(DossierCode::Opaque(expected.to_string())),
                "{input:?}"
            );
        }
    }

    #[test]
    fn garbage_is_rejected_with_the_reason() {
        use DossierCodeError::*;
        for (input, expected) in [
            ("", Empty),
            ("   ", Empty),
            (" -- .. ", Empty),
            ("\u{200b}\u{feff}", Empty),
            ("\"\"", Empty),
            ("abcdefghij", NoDigit),
            ("HS-ABC-XYZ", NoDigit),
            ("H39-ABC", TooShort { length: 7, min: 8 }),
            ("1234567", TooShort { length: 7, min: 8 }),
            ("hồ sơ 123", ForbiddenCharacter('ồ')),
            ("000.00.12.H39#250315", ForbiddenCharacter('#')),
            ("ABC 12345678", ForbiddenCharacter(' ')),
            ("12345678😀", ForbiddenCharacter('😀')),
            ("DROP TABLE;--1", ForbiddenCharacter(';')),
        ] {
            assert_eq!(DossierCode::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn too_long_input_is_rejected_before_any_work() {
        let long = "1".repeat(41);
        assert_eq!(
            DossierCode::parse(&long),
            Err(DossierCodeError::TooLong {
                length: 41,
                max: 40
            })
        );
        let huge = "0".repeat(1_000_000);
        assert_eq!(
            DossierCode::parse(&huge),
            Err(DossierCodeError::TooLong {
                length: 1_000_000,
                max: 40
            })
        );
        let long_igate = format!("{}.H39-250315-0042", "0".repeat(30));
        assert!(matches!(
            DossierCode::parse(&long_igate),
            Err(DossierCodeError::TooLong { .. })
        ));
    }

    #[test]
    fn codes_display_and_parse_from_str_in_canonical_form() {
        let code: DossierCode = "000.00.12.h39 250315 0042".parse().unwrap();
        assert_eq!(format!("{code}"), CANONICAL);
        assert_eq!(code.as_str(), CANONICAL);
    }

    /// SplitMix64: a tiny deterministic generator, so failures replay.
    pub(in crate::dossier) struct Generator(pub(in crate::dossier) u64);

    impl Generator {
        pub(in crate::dossier) fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        pub(in crate::dossier) fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        pub(in crate::dossier) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
            items[self.below(items.len())]
        }

        fn digits(&mut self, n: usize) -> String {
            (0..n)
                .map(|_| char::from(b'0' + self.below(10) as u8))
                .collect()
        }
    }

    /// A random valid iGate code in canonical spelling.
    pub(in crate::dossier) fn random_code(generator: &mut Generator) -> String {
        let suffix = char::from(b'A' + generator.below(26) as u8);
        let sequence_len = 3 + generator.below(6);
        format!(
            "{}.{}.{}.{suffix}{}-{:02}{:02}{:02}-{}",
            generator.digits(3),
            generator.digits(2),
            generator.digits(2),
            generator.digits(2),
            generator.below(100),
            1 + generator.below(12),
            1 + generator.below(28),
            generator.digits(sequence_len),
        )
    }

    /// The code as a hurried citizen might type it.
    pub(in crate::dossier) fn mangle(generator: &mut Generator, code: &str) -> String {
        let dashes = ["-", " ", " - ", "–", "—", "\u{2011}", "--"];
        let dots = [".", ". ", " ", " . "];
        let mut out = String::new();
        for c in code.chars() {
            match c {
                '-' => out.push_str(generator.pick(&dashes)),
                '.' => out.push_str(generator.pick(&dots)),
                _ if generator.below(2) == 0 => out.push(c.to_ascii_lowercase()),
                _ => out.push(c),
            }
        }
        let wrappers = [("", ""), ("  ", " "), ("\"", "\""), ("(", ")"), ("", ".")];
        let (before, after) = generator.pick(&wrappers);
        format!("{before}{out}{after}")
    }

    /// Random characters, weighted towards the ones codes and their typos are made of.
    fn random_text(generator: &mut Generator) -> String {
        let alphabet = [
            '0', '1', '2', '5', '9', 'a', 'h', 'H', 'Z', '.', '-', ' ', '–', '—', '/', '_', '%',
            ':', '?', '=', 'đ', 'ơ', 'Ế', '\u{301}', '\u{200b}', '😀', '\t', 'Ａ', '１', '。', '"',
            '(', '\u{0}', '\u{feff}', 'ß', 'ǅ', 'İ', '½', '\u{2212}',
        ];
        let len = if generator.below(20) == 0 {
            generator.below(400)
        } else {
            generator.below(50)
        };
        (0..len).map(|_| generator.pick(&alphabet)).collect()
    }

    fn parse_without_panic(input: &str) -> Result<DossierCode, DossierCodeError> {
        std::panic::catch_unwind(|| DossierCode::parse(input))
            .unwrap_or_else(|_| panic!("parse panicked on {input:?}"))
    }

    #[test]
    fn parsing_never_panics_and_canonical_forms_parse_to_themselves() {
        let mut generator = Generator(0x10a6_a45f);
        for round in 0..20_000 {
            let input = match round % 3 {
                0 => random_text(&mut generator),
                1 => {
                    let code = random_code(&mut generator);
                    mangle(&mut generator, &code)
                }
                _ => {
                    // A code with random damage: a character dropped, doubled or replaced.
                    let mut chars: Vec<char> = random_code(&mut generator).chars().collect();
                    let at = generator.below(chars.len());
                    match generator.below(3) {
                        0 => {
                            chars.remove(at);
                        }
                        1 => chars.insert(at, chars[at]),
                        _ => chars[at] = generator.pick(&['x', ' ', '/', 'é', '0']),
                    }
                    chars.into_iter().collect()
                }
            };
            if let Ok(code) = parse_without_panic(&input) {
                let spelling = code.as_str();
                assert!(
                    (MIN_CODE_CHARS..=MAX_CODE_CHARS).contains(&spelling.len()),
                    "{input:?} → {spelling:?}"
                );
                assert!(
                    spelling.bytes().all(|b| b.is_ascii_uppercase()
                        || b.is_ascii_digit()
                        || b".-/_".contains(&b)),
                    "{input:?} → {spelling:?}"
                );
                assert_eq!(
                    parse_without_panic(spelling).as_ref(),
                    Ok(&code),
                    "{input:?} → {spelling:?} does not parse to itself"
                );
            }
        }
    }

    /// Text made of what codes and their typos are made of, now and then any character.
    fn code_like_text() -> impl Strategy<Value = String> {
        let pieces: Vec<char> = "0123456789AHhZ.-- /_–—\u{2011}。１Ｈ\"()\u{200b}\u{301}đ"
            .chars()
            .collect();
        let character = prop_oneof![
            6 => proptest::sample::select(pieces),
            1 => any::<char>(),
        ];
        proptest::collection::vec(character, 0..60).prop_map(String::from_iter)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn parsing_any_text_never_panics_and_a_parsed_code_parses_to_itself(
            input in prop_oneof![code_like_text(), any::<String>()]
        ) {
            if let Ok(code) = DossierCode::parse(&input) {
                prop_assert_eq!(DossierCode::parse(code.as_str()), Ok(code.clone()), "{:?}", input);
            }
        }
    }

    #[test]
    fn every_mangled_valid_code_parses_back_to_the_original() {
        let mut generator = Generator(0x4c6f_6e67_416e);
        for _ in 0..5_000 {
            let code = random_code(&mut generator);
            let typed = mangle(&mut generator, &code);
            let parsed = parse_without_panic(&typed);
            assert_eq!(
                parsed.as_ref().map(DossierCode::as_str),
                Ok(code.as_str()),
                "{typed:?}"
            );
            assert!(parsed.unwrap().as_igate().is_some(), "{typed:?}");
        }
    }
}
