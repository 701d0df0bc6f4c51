//! Finding today's communes from any name a citizen types, old or current: `Tân Trụ` (a former
//! district) gives the three communes that now cover it.

use std::cmp::Reverse;

use super::matching::{narrow_to_kinds, with_code};
use super::model::{Era, Unit};
use super::names::{MatchQuality, NameKey, read_query};
use super::registry::AdminUnits;

/// A current unit found by [`AdminUnits::search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitMatch<'a> {
    /// A current unit: a commune or ward (or a province, for a province's name).
    pub unit: &'a Unit,
    /// The unit whose name matched: an old unit `unit` now covers (part of), or `unit` itself.
    pub matched: &'a Unit,
    /// How well that name matched the query.
    pub quality: MatchQuality,
}

impl AdminUnits {
    /// Current units for a name or code as typed, old or current, with or without title or
    /// marks, or its first letters (from three on). Each current unit appears once, with the
    /// best-matching name that leads to it; best matches first, current names before old ones,
    /// communes before provinces, then in code order.
    pub fn search(&self, query: &str) -> Vec<UnitMatch<'_>> {
        let text = query.trim();
        let matched = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            self.with_code(text)
        } else {
            self.with_name(text)
        };
        let mut best: Vec<UnitMatch<'_>> = Vec::new();
        for (unit, quality) in matched {
            for current in self.current_of(unit) {
                let candidate = UnitMatch {
                    unit: current,
                    matched: unit,
                    quality,
                };
                match best.iter_mut().find(|m| m.unit.id == current.id) {
                    Some(existing) if rank(&candidate) < rank(existing) => *existing = candidate,
                    Some(_) => {}
                    None => best.push(candidate),
                }
            }
        }
        // A current unit named as typed first, then those an old name leads to.
        let order = |m: &UnitMatch<'_>| {
            let via_old = m.matched.era() == Era::Old;
            (
                m.quality,
                via_old,
                Reverse(m.unit.level()),
                m.unit.code.clone(),
            )
        };
        best.sort_by_key(order);
        best
    }

    /// Units of either era whose code is `code` (leading zeros ignored).
    fn with_code(&self, code: &str) -> Vec<(&Unit, MatchQuality)> {
        let all: Vec<&Unit> = self.units().iter().collect();
        with_code(&all, code)
            .into_iter()
            .map(|unit| (unit, MatchQuality::Exact))
            .collect()
    }

    /// Units of either era whose name matches, narrowed to the kind the title names.
    fn with_name(&self, text: &str) -> Vec<(&Unit, MatchQuality)> {
        let query = read_query(text);
        let scored = |key: &NameKey| -> Vec<(&Unit, MatchQuality)> {
            self.units()
                .iter()
                .filter_map(|unit| unit.key.matches(key, true).map(|quality| (unit, quality)))
                .collect()
        };
        let mut matched = scored(&query.key);
        let mut kinds = query.kinds;
        if matched.is_empty() && query.whole != query.key {
            matched = scored(&query.whole);
            kinds = &[];
        }
        let kept = narrow_to_kinds(matched.iter().map(|(unit, _)| *unit).collect(), kinds);
        matched.retain(|(unit, _)| kept.iter().any(|k| k.id == unit.id));
        matched
    }
}

/// Lower is better: the closer match, then a current name over an old one, then the finer old
/// unit (the commune `Tân Trụ` explains a result better than the district `Tân Trụ`).
fn rank(found: &UnitMatch<'_>) -> (MatchQuality, bool, Reverse<super::model::Level>) {
    (
        found.quality,
        found.matched.era() == Era::Old,
        Reverse(found.matched.level()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Level;

    fn units() -> &'static AdminUnits {
        AdminUnits::bundled().expect("the shipped tables load")
    }

    /// (current unit, matched unit) names of the results.
    fn found(query: &str) -> Vec<(&'static str, &'static str)> {
        units()
            .search(query)
            .into_iter()
            .map(|m| (m.unit.name(), m.matched.name()))
            .collect()
    }

    #[test]
    fn searching_tan_tru_finds_the_three_communes_covering_the_former_district() {
        for query in ["Tân Trụ", "tan tru", "TÂN TRỤ"] {
            assert_eq!(
                found(query),
                [
                    ("Xã Tân Trụ", "Xã Tân Trụ"),
                    ("Xã Nhựt Tảo", "Huyện Tân Trụ"),
                    ("Xã Vàm Cỏ", "Huyện Tân Trụ"),
                ],
                "{query}"
            );
        }
    }

    #[test]
    fn searching_the_titled_former_district_explains_every_result_by_it() {
        for query in ["huyện Tân Trụ", "Huyen Tan Tru", "H. Tân Trụ"] {
            assert_eq!(
                found(query),
                [
                    ("Xã Tân Trụ", "Huyện Tân Trụ"),
                    ("Xã Nhựt Tảo", "Huyện Tân Trụ"),
                    ("Xã Vàm Cỏ", "Huyện Tân Trụ"),
                ],
                "{query}"
            );
        }
        let codes: Vec<&str> = units()
            .search("huyện Tân Trụ")
            .iter()
            .map(|m| m.unit.code())
            .collect();
        assert_eq!(codes, ["28075", "28087", "28093"]);
    }

    #[test]
    fn an_old_commune_finds_the_commune_it_merged_into() {
        assert_eq!(found("Bình Tịnh"), [("Xã Tân Trụ", "Xã Bình Tịnh")]);
        assert_eq!(found("xã Lạc Tấn"), [("Xã Nhựt Tảo", "Xã Lạc Tấn")]);
        let unmarked = units().search("binh tinh");
        assert_eq!(unmarked.len(), 1);
        assert_eq!(unmarked[0].quality, MatchQuality::Folded);
    }

    #[test]
    fn a_current_name_finds_itself() {
        assert_eq!(found("Nhựt Tảo"), [("Xã Nhựt Tảo", "Xã Nhựt Tảo")]);
        assert_eq!(found("28087"), [("Xã Nhựt Tảo", "Xã Nhựt Tảo")]);
    }

    #[test]
    fn communes_come_before_the_province_for_a_shared_name() {
        assert_eq!(
            found("Long An"),
            [
                ("Phường Long An", "Phường Long An"),
                ("Xã Phước Vĩnh Tây", "Xã Long An"),
                ("Tỉnh Tây Ninh", "Tỉnh Long An"),
            ]
        );
        assert_eq!(found("tỉnh Long An"), [("Tỉnh Tây Ninh", "Tỉnh Long An")]);
    }

    #[test]
    fn the_first_letters_find_names_while_typing() {
        let results = units().search("Tân Tr");
        assert!(results.iter().all(|m| m.quality == MatchQuality::Prefix));
        for name in ["Xã Tân Trụ", "Xã Nhựt Tảo", "Xã Vàm Cỏ"] {
            assert!(results.iter().any(|m| m.unit.name() == name), "{name}");
        }
        assert!(results.iter().all(|m| m.unit.level() == Level::Commune));
    }

    #[test]
    fn exact_matches_rank_before_folded_and_prefix_matches() {
        let results = units().search("Tân Thạnh");
        assert_eq!(results[0].unit.name(), "Xã Tân Thạnh");
        assert_eq!(results[0].quality, MatchQuality::Exact);
        let qualities: Vec<MatchQuality> = results.iter().map(|m| m.quality).collect();
        let mut sorted = qualities.clone();
        sorted.sort();
        assert_eq!(qualities, sorted);
        assert!(
            qualities.contains(&MatchQuality::Folded),
            "Tân Thành readings follow"
        );
    }

    #[test]
    fn nothing_matches_empty_or_unknown_queries() {
        for query in ["", "  ", "xã", "Hà Lan", "zz", "0"] {
            assert!(units().search(query).is_empty(), "{query:?}");
        }
    }
}
