//! Old addresses with today's names beside them: `Ấp 3, xã Bình Tịnh, huyện Tân Trụ, tỉnh Long
//! An` is now in xã Tân Trụ, tỉnh Tây Ninh.
//!
//! An address is read from its end, where the largest unit stands: the province first, then a
//! district inside it, then a commune inside that. Reading in that order is what tells the two
//! `Phường 1` apart, and the province Long An from the former xã Long An.

use std::ops::Range;

use super::matching::named;
use super::model::{Era, Level, Unit};
use super::names::{read_query, title_starts};
use super::registry::AdminUnits;

/// A piece of an address that names an old unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPart<'a> {
    /// Byte range of the piece in the address.
    pub range: Range<usize>,
    /// The old unit the piece names; several only when the address cannot tell same-named
    /// units apart (`Phường 1` with no district).
    pub old: Vec<&'a Unit>,
    /// What to show beside it: the current units covering it (several when it was split).
    /// Empty for a district: that tier was abolished.
    pub current: Vec<&'a Unit>,
}

/// An address from before 1 July 2025, read against the reorganisation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressUpdate<'a> {
    /// The pieces naming old units, in the order they are written.
    pub parts: Vec<AddressPart<'a>>,
    /// The address written with current units (district dropped, commune and province
    /// replaced, everything else kept), when its commune is known and maps to exactly one
    /// current commune and the result differs from the input.
    pub current_address: Option<String>,
}

impl AdminUnits {
    /// Reads an address written with old units (commas, semicolons or line breaks between the
    /// pieces, or only titles such as `xã` and `huyện`) and gives the current unit(s) for each
    /// piece naming an old commune, district or province.
    pub fn describe_old_address(&self, text: &str) -> AddressUpdate<'_> {
        let pieces = pieces(text);
        let mut parts: Vec<AddressPart<'_>> = Vec::new();
        let mut titled: Vec<bool> = Vec::new();
        // The unit the next piece (to the left) must lie inside, and its tier.
        let mut scope: Option<&Unit> = None;
        let mut scope_level: Option<Level> = None;
        // Pieces left of the commune: hamlets, streets, house numbers (nothing finer is in the
        // tables), unless the address was written coarse-to-fine.
        let mut rest = 0;
        for (index, range) in pieces.iter().enumerate().rev() {
            if scope_level == Some(Level::Commune) {
                rest = index + 1;
                break;
            }
            let query = read_query(&text[range.clone()]);
            let candidates: Vec<&Unit> = self
                .units()
                .iter()
                .filter(|unit| unit.era() == Era::Old)
                .filter(|unit| scope_level.is_none_or(|level| unit.level() > level))
                .filter(|unit| scope.is_none_or(|scope| self.lies_in(unit, scope)))
                .collect();
            let found = named(&candidates, &query);
            // The coarsest reading: at the end of an address `Long An` is the province.
            let Some(level) = found.iter().map(|unit| unit.level()).min() else {
                continue;
            };
            let old: Vec<&Unit> = found
                .into_iter()
                .filter(|unit| unit.level() == level)
                .collect();
            if let [only] = old[..] {
                scope = Some(only);
            }
            scope_level = Some(level);
            let mut current: Vec<&Unit> = Vec::new();
            if level != Level::District {
                for unit in old.iter().flat_map(|unit| self.current_of(unit)) {
                    if !current.iter().any(|c| c.code() == unit.code()) {
                        current.push(unit);
                    }
                }
            }
            parts.push(AddressPart {
                range: range.clone(),
                old,
                current,
            });
            titled.push(!query.kinds.is_empty());
        }
        parts.reverse();
        titled.reverse();
        let in_order = !pieces[..rest]
            .iter()
            .any(|range| self.names_province_or_district(&text[range.clone()]));
        let current_address = in_order
            .then(|| rewrite(text, &pieces, &parts, &titled))
            .flatten();
        AddressUpdate {
            parts,
            current_address,
        }
    }

    /// True for a piece such as `huyện Tân Trụ` or `tỉnh Long An`: titled (a street may be
    /// called Long An) and naming an old district or province.
    fn names_province_or_district(&self, piece: &str) -> bool {
        let query = read_query(piece);
        let coarse = |unit: &&Unit| unit.era() == Era::Old && unit.level() < Level::Commune;
        let candidates: Vec<&Unit> = self.units().iter().filter(coarse).collect();
        query.kinds.iter().any(|kind| kind.level() < Level::Commune)
            && !named(&candidates, &query).is_empty()
    }

    /// True when `unit` is `scope` or lies inside it.
    fn lies_in(&self, unit: &Unit, scope: &Unit) -> bool {
        let mut at = Some(unit);
        while let Some(current) = at {
            if current.id == scope.id {
                return true;
            }
            at = self.parent(current);
        }
        false
    }
}

/// Byte ranges of the address's pieces, trimmed, without empty ones: split at separators, and
/// before every title written with its marks (`xã Bình Tịnh huyện Tân Trụ`).
fn pieces(text: &str) -> Vec<Range<usize>> {
    let mut cuts = vec![0];
    for (at, c) in text.char_indices() {
        if matches!(c, ',' | ';' | '\n' | '\r' | '|') {
            cuts.push(at);
            cuts.push(at + c.len_utf8());
        }
    }
    cuts.push(text.len());
    let mut ranges = Vec::new();
    for pair in cuts.chunks(2) {
        let [start, end] = pair else { continue };
        let piece = &text[*start..*end];
        let mut starts: Vec<usize> = title_starts(piece)
            .into_iter()
            .map(|at| start + at)
            .collect();
        starts.insert(0, *start);
        starts.push(*end);
        for window in starts.windows(2) {
            let raw = &text[window[0]..window[1]];
            let leading = raw.len() - raw.trim_start().len();
            let trimmed = raw.trim();
            if !trimmed.is_empty() {
                let from = window[0] + leading;
                ranges.push(from..from + trimmed.len());
            }
        }
    }
    ranges
}

/// The address with current names, when the commune settles it (see
/// [`AddressUpdate::current_address`]).
fn rewrite(
    text: &str,
    pieces: &[Range<usize>],
    parts: &[AddressPart<'_>],
    titled: &[bool],
) -> Option<String> {
    let commune_settled = parts.iter().any(|part| {
        part.old
            .first()
            .is_some_and(|unit| unit.level() == Level::Commune)
            && part.current.len() == 1
    });
    let all_settled = parts
        .iter()
        .all(|part| part.current.len() <= 1 && part.old.len() == 1);
    if !commune_settled || !all_settled {
        return None;
    }
    let mut written: Vec<String> = Vec::new();
    for range in pieces {
        let Some(index) = parts.iter().position(|part| part.range == *range) else {
            written.push(text[range.clone()].to_string());
            continue;
        };
        let Some(current) = parts[index].current.first() else {
            continue; // a district: the tier is gone
        };
        let original = &text[range.clone()];
        written.push(styled(current, original, titled[index]));
    }
    let rewritten = written.join(", ");
    (rewritten != text.trim()).then_some(rewritten)
}

/// The current unit's name written like the original piece: with a title only if the piece
/// had one, and in lower case if the piece started so (`xã Tân Trụ` in running text).
fn styled(unit: &Unit, original: &str, titled: bool) -> String {
    if !titled {
        return unit.short_name().to_string();
    }
    let name = unit.name();
    match (original.chars().next(), name.chars().next()) {
        (Some(first), Some(name_first)) if first.is_lowercase() => name_first
            .to_lowercase()
            .chain(name[name_first.len_utf8()..].chars())
            .collect(),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> &'static AdminUnits {
        AdminUnits::bundled().expect("the shipped tables load")
    }

    /// (piece, old names, current names) of each recognised piece.
    fn described(text: &str) -> Vec<(&str, Vec<&str>, Vec<&str>)> {
        units()
            .describe_old_address(text)
            .parts
            .into_iter()
            .map(|part| {
                (
                    &text[part.range.clone()],
                    part.old.into_iter().map(Unit::name).collect(),
                    part.current.into_iter().map(Unit::name).collect(),
                )
            })
            .collect()
    }

    fn current_address(text: &str) -> Option<String> {
        units().describe_old_address(text).current_address
    }

    #[test]
    fn a_tan_tru_address_gets_its_new_commune_and_province() {
        let text = "Ấp 3, xã Bình Tịnh, huyện Tân Trụ, tỉnh Long An";
        assert_eq!(
            described(text),
            [
                ("xã Bình Tịnh", vec!["Xã Bình Tịnh"], vec!["Xã Tân Trụ"]),
                ("huyện Tân Trụ", vec!["Huyện Tân Trụ"], vec![]),
                ("tỉnh Long An", vec!["Tỉnh Long An"], vec!["Tỉnh Tây Ninh"]),
            ]
        );
        assert_eq!(
            current_address(text).as_deref(),
            Some("Ấp 3, xã Tân Trụ, tỉnh Tây Ninh")
        );
    }

    #[test]
    fn an_address_without_titles_or_marks_is_read_from_its_end() {
        assert_eq!(
            current_address("Ap 3, Binh Tinh, Tan Tru, Long An").as_deref(),
            Some("Ap 3, Tân Trụ, Tây Ninh")
        );
        // The former xã Long An of Cần Giuộc, inside the province Long An.
        assert_eq!(
            current_address("Ấp 1, Long An, Cần Giuộc, Long An").as_deref(),
            Some("Ấp 1, Phước Vĩnh Tây, Tây Ninh")
        );
    }

    #[test]
    fn an_address_with_only_titles_between_its_pieces_is_split_at_them() {
        assert_eq!(
            current_address("Ấp 3 xã Bình Tịnh huyện Tân Trụ tỉnh Long An").as_deref(),
            Some("Ấp 3, xã Tân Trụ, tỉnh Tây Ninh")
        );
    }

    #[test]
    fn the_district_tells_same_named_wards_apart() {
        assert_eq!(
            current_address("Phường 1, TP. Tân An, Long An").as_deref(),
            Some("Phường Long An, Tây Ninh")
        );
        assert_eq!(
            current_address("12 Nguyễn Huệ, P.1, TX Kiến Tường, tỉnh Long An").as_deref(),
            Some("12 Nguyễn Huệ, Phường Kiến Tường, tỉnh Tây Ninh")
        );
        let ambiguous = units().describe_old_address("Phường 1, tỉnh Long An");
        assert_eq!(ambiguous.parts[0].old.len(), 2);
        assert_eq!(ambiguous.current_address, None);
    }

    #[test]
    fn a_split_commune_shows_every_current_commune_but_no_rewrite() {
        let text = "xã Nhị Thành, huyện Thủ Thừa, tỉnh Long An";
        assert_eq!(described(text)[0].2, ["Xã Thủ Thừa", "Xã Nhựt Tảo"]);
        assert_eq!(current_address(text), None);
    }

    #[test]
    fn another_province_gets_its_new_province_only() {
        let text = "123 Nguyễn Trãi, Phường 2, Quận 5, TP. Hồ Chí Minh";
        assert_eq!(
            described(text),
            [(
                "TP. Hồ Chí Minh",
                vec!["Thành phố Hồ Chí Minh"],
                vec!["Thành phố Hồ Chí Minh"]
            )]
        );
        assert_eq!(current_address(text), None);
        assert_eq!(
            described("xã Tân Hòa, tỉnh Bến Tre")[0].2,
            ["Tỉnh Vĩnh Long"]
        );
    }

    #[test]
    fn a_commune_outside_the_named_province_is_not_recognised() {
        // Bình Tịnh was in Long An, not in Tiền Giang.
        assert_eq!(described("xã Bình Tịnh, tỉnh Tiền Giang").len(), 1);
    }

    #[test]
    fn an_address_written_coarse_to_fine_is_described_but_not_rewritten() {
        let text = "tỉnh Long An, huyện Tân Trụ, xã Bình Tịnh, ấp 3";
        let update = units().describe_old_address(text);
        assert_eq!(update.parts.len(), 1);
        assert_eq!(update.parts[0].current[0].name(), "Xã Tân Trụ");
        assert_eq!(update.current_address, None);
    }

    #[test]
    fn text_naming_no_unit_gives_nothing() {
        for text in ["", "Số 5 đường Hùng Vương", "ấp Bình Tịnh", ", , ;"] {
            assert_eq!(
                units().describe_old_address(text),
                AddressUpdate::default(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn an_address_already_in_current_units_is_not_rewritten() {
        let update = units().describe_old_address("Ấp 3, xã Tân Trụ, tỉnh Tây Ninh");
        assert_eq!(update.current_address, None);
    }
}
