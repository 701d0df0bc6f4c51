//! `AdminUnits`: every unit of the tables, loaded once, and the old → current lookup.

use std::sync::OnceLock;

use super::assemble::assemble;
use super::error::UnitsError;
use super::load::UnitSources;
use super::matching::{named, with_code};
use super::model::{Era, Unit};
use super::names::read_query;

/// The administrative units before and since 1 July 2025, and how they map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUnits {
    units: Vec<Unit>,
}

impl AdminUnits {
    /// The units of the tables shipped in the library, parsed on first use.
    pub fn bundled() -> Result<&'static AdminUnits, UnitsError> {
        static BUNDLED: OnceLock<Result<AdminUnits, UnitsError>> = OnceLock::new();
        BUNDLED
            .get_or_init(|| AdminUnits::from_sources(&UnitSources::BUNDLED))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The units of the given tables.
    pub fn from_sources(sources: &UnitSources<'_>) -> Result<AdminUnits, UnitsError> {
        Ok(AdminUnits {
            units: assemble(sources)?,
        })
    }

    /// Every unit, old and current.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// The unit one tier up: an old commune's district, a district's or current commune's
    /// province.
    pub fn parent(&self, unit: &Unit) -> Option<&Unit> {
        unit.parent.and_then(|id| self.units.get(id))
    }

    /// The current units covering a unit's area (a unit of this registry): for an old unit,
    /// what it became (several when it was split, or for a district); a current unit is its own.
    pub fn current_of(&self, unit: &Unit) -> Vec<&Unit> {
        match unit.era {
            Era::Current => self.units.get(unit.id).into_iter().collect(),
            Era::Old => unit
                .successors
                .iter()
                .filter_map(|&id| self.units.get(id))
                .collect(),
        }
    }

    /// The current unit(s) an old unit refers to, given its code or its name as written
    /// (`Huyện Tân Trụ`, `huyen tan tru`, `Tân Trụ`, `TT Tân Trụ`, `28099`). Several old units
    /// may share a name (there were two `Phường 1`); the union of what they became is returned,
    /// in code order. Empty when no old unit has that name or code.
    pub fn current_for_old(&self, name_or_code: &str) -> Vec<&Unit> {
        let text = name_or_code.trim();
        let old: Vec<&Unit> = self.units.iter().filter(|u| u.era == Era::Old).collect();
        let found = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            with_code(&old, text)
        } else {
            named(&old, &read_query(text))
        };
        let mut current: Vec<&Unit> = Vec::new();
        for unit in found {
            for successor in self.current_of(unit) {
                if !current.iter().any(|c| c.id == successor.id) {
                    current.push(successor);
                }
            }
        }
        current.sort_by(|a, b| (a.level(), &a.code).cmp(&(b.level(), &b.code)));
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Level;

    fn units() -> &'static AdminUnits {
        AdminUnits::bundled().expect("the shipped tables load")
    }

    fn names(units: Vec<&Unit>) -> Vec<&str> {
        units.into_iter().map(Unit::name).collect()
    }

    fn count(era: Era, level: Level) -> usize {
        units()
            .units()
            .iter()
            .filter(|unit| unit.era() == era && unit.level() == level)
            .count()
    }

    #[test]
    fn the_shipped_tables_hold_every_province_and_all_of_long_an() {
        assert_eq!(count(Era::Current, Level::Province), 34);
        assert_eq!(count(Era::Old, Level::Province), 63);
        assert_eq!(count(Era::Old, Level::District), 15);
        assert_eq!(count(Era::Old, Level::Commune), 186);
        assert_eq!(count(Era::Current, Level::Commune), 60);
        assert_eq!(count(Era::Current, Level::District), 0);
    }

    #[test]
    fn the_former_tan_tru_district_is_now_three_communes() {
        let expected = ["Xã Tân Trụ", "Xã Nhựt Tảo", "Xã Vàm Cỏ"];
        for text in [
            "huyện Tân Trụ",
            "Huyện Tân Trụ",
            "huyen tan tru",
            "H. Tân Trụ",
            "805",
        ] {
            assert_eq!(names(units().current_for_old(text)), expected, "{text}");
        }
        let codes: Vec<&str> = units()
            .current_for_old("huyện Tân Trụ")
            .into_iter()
            .map(Unit::code)
            .collect();
        assert_eq!(codes, ["28075", "28087", "28093"]);
    }

    #[test]
    fn tan_tru_without_a_title_is_the_district_and_the_township() {
        // The former district and thị trấn Tân Trụ share the name; the township is inside the
        // district, so the answer is the district's.
        assert_eq!(
            names(units().current_for_old("Tân Trụ")),
            ["Xã Tân Trụ", "Xã Nhựt Tảo", "Xã Vàm Cỏ"]
        );
        assert_eq!(
            names(units().current_for_old("thị trấn Tân Trụ")),
            ["Xã Tân Trụ"]
        );
        // After the reform people write `xã` for the former township: same tier, so it counts.
        assert_eq!(names(units().current_for_old("xã Tân Trụ")), ["Xã Tân Trụ"]);
    }

    #[test]
    fn an_old_commune_gives_the_commune_it_merged_into() {
        assert_eq!(
            names(units().current_for_old("xã Bình Tịnh")),
            ["Xã Tân Trụ"]
        );
        assert_eq!(names(units().current_for_old("Binh Tinh")), ["Xã Tân Trụ"]);
        assert_eq!(names(units().current_for_old("28099")), ["Xã Tân Trụ"]);
        assert_eq!(
            names(units().current_for_old("xã Quê Mỹ Thạnh")),
            ["Xã Nhựt Tảo"]
        );
    }

    #[test]
    fn a_split_commune_gives_every_commune_that_took_a_part() {
        assert_eq!(
            names(units().current_for_old("xã Nhị Thành")),
            ["Xã Thủ Thừa", "Xã Nhựt Tảo"]
        );
    }

    #[test]
    fn provinces_map_to_their_new_province() {
        assert_eq!(
            names(units().current_for_old("tỉnh Long An")),
            ["Tỉnh Tây Ninh"]
        );
        assert_eq!(
            names(units().current_for_old("Tỉnh Tây Ninh")),
            ["Tỉnh Tây Ninh"]
        );
        assert_eq!(
            names(units().current_for_old("tinh Ben Tre")),
            ["Tỉnh Vĩnh Long"]
        );
        assert_eq!(
            names(units().current_for_old("Bình Dương")),
            ["Thành phố Hồ Chí Minh"]
        );
        assert_eq!(names(units().current_for_old("2")), ["Tỉnh Tuyên Quang"]);
    }

    #[test]
    fn a_name_shared_by_a_province_and_a_commune_gives_both_unless_titled() {
        assert_eq!(
            names(units().current_for_old("Long An")),
            ["Tỉnh Tây Ninh", "Xã Phước Vĩnh Tây"]
        );
        assert_eq!(
            names(units().current_for_old("xã Long An")),
            ["Xã Phước Vĩnh Tây"]
        );
    }

    #[test]
    fn marks_keep_tan_thanh_and_tan_thanh_apart() {
        // Three former communes were named Tân Thành (grave accent); a district and its
        // township were named Tân Thạnh (dot below).
        assert_eq!(
            names(units().current_for_old("xã Tân Thành")),
            ["Xã Mộc Hóa", "Xã Nhơn Ninh", "Xã Thủ Thừa", "Xã Mỹ Thạnh"]
        );
        assert_eq!(
            names(units().current_for_old("xã Tân Thạnh")),
            ["Xã Tân Thạnh"]
        );
        // Without marks every reading stays: the four above and the former district's five
        // (Nhơn Ninh is in both).
        let unmarked = units().current_for_old("tan thanh");
        assert_eq!(unmarked.len(), 8, "{:?}", names(unmarked));
    }

    #[test]
    fn same_named_wards_of_two_towns_give_both_current_wards() {
        assert_eq!(
            names(units().current_for_old("Phường 1")),
            ["Phường Long An", "Phường Kiến Tường"]
        );
        assert_eq!(
            names(units().current_for_old("P.01")),
            ["Phường Long An", "Phường Kiến Tường"]
        );
    }

    #[test]
    fn unknown_names_and_current_only_names_give_nothing() {
        for text in ["", "   ", "Hà Lan", "xã Nhựt Tảo", "99999", "0"] {
            assert!(units().current_for_old(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn every_old_long_an_unit_has_a_current_unit_in_tay_ninh() {
        let tay_ninh = units()
            .units()
            .iter()
            .find(|u| u.era() == Era::Current && u.code() == "80")
            .unwrap();
        for unit in units().units().iter().filter(|u| u.era() == Era::Old) {
            let current = units().current_of(unit);
            assert!(!current.is_empty(), "{}", unit.name());
            if unit.level() != Level::Province {
                for now in current {
                    assert_eq!(units().parent(now), Some(tay_ninh), "{}", unit.name());
                }
            }
        }
    }
}
