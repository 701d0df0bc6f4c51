//! What an administrative unit is: its code, official name, kind, tier and era.

use super::names::NameKey;

/// Before or since the reorganisation of 1 July 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Era {
    /// In force until 30 June 2025; still written on older dossiers, receipts and addresses.
    Old,
    /// In force since 1 July 2025.
    Current,
}

/// The tier of a unit, coarsest first. The district tier was abolished on 1 July 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Tỉnh or thành phố trực thuộc trung ương.
    Province,
    /// Huyện, quận, thị xã or thành phố thuộc tỉnh (old units only).
    District,
    /// Xã, phường, thị trấn or đặc khu.
    Commune,
}

/// What a unit is, read from the first words of its official name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitKind {
    /// Tỉnh.
    Province,
    /// Thành phố trực thuộc trung ương (Hà Nội, Thành phố Hồ Chí Minh, …).
    Municipality,
    /// Thành phố thuộc tỉnh, a district-tier city (Thành phố Tân An).
    ProvincialCity,
    /// Thị xã, a district-tier town (Thị xã Kiến Tường).
    Town,
    /// Huyện, a rural district.
    RuralDistrict,
    /// Quận, an urban district.
    UrbanDistrict,
    /// Phường, an urban commune.
    Ward,
    /// Xã, a rural commune.
    Commune,
    /// Thị trấn, a township (old units only).
    Township,
    /// Đặc khu, a special zone (current units only).
    SpecialZone,
}

/// Official prefixes, longest first so `Thị trấn` is not read as something shorter.
const TITLES: &[(&str, Level, UnitKind)] = &[
    ("Thành phố", Level::Province, UnitKind::Municipality),
    ("Thành phố", Level::District, UnitKind::ProvincialCity),
    ("Thị trấn", Level::Commune, UnitKind::Township),
    ("Thị xã", Level::District, UnitKind::Town),
    ("Đặc khu", Level::Commune, UnitKind::SpecialZone),
    ("Phường", Level::Commune, UnitKind::Ward),
    ("Huyện", Level::District, UnitKind::RuralDistrict),
    ("Quận", Level::District, UnitKind::UrbanDistrict),
    ("Tỉnh", Level::Province, UnitKind::Province),
    ("Xã", Level::Commune, UnitKind::Commune),
];

impl UnitKind {
    /// The tier units of this kind belong to.
    pub fn level(self) -> Level {
        TITLES
            .iter()
            .find(|(_, _, kind)| *kind == self)
            .map_or(Level::Commune, |(_, level, _)| *level)
    }

    /// The word written before the unit's name (Vietnamese, capitalised), e.g. `Huyện`.
    pub fn title(self) -> &'static str {
        TITLES
            .iter()
            .find(|(_, _, kind)| *kind == self)
            .map_or("", |(title, _, _)| title)
    }

    /// The kind of a unit of tier `level` named `name`, and the byte length of the title and
    /// the space after it. Province lists often leave `Tỉnh` out (`Tây Ninh`), so a province
    /// name without a title is a `Tỉnh`, with a title length of 0.
    pub(super) fn read_official_name(name: &str, level: Level) -> Option<(UnitKind, usize)> {
        let titled = TITLES.iter().find_map(|(title, title_level, kind)| {
            let rest = name.strip_prefix(title)?.strip_prefix(' ')?;
            (*title_level == level && !rest.trim().is_empty())
                .then_some((*kind, name.len() - rest.len()))
        });
        match titled {
            Some(found) => Some(found),
            None if level == Level::Province => Some((UnitKind::Province, 0)),
            None => None,
        }
    }
}

/// An administrative unit, old or current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Position in the registry's list; links below are positions too.
    pub(super) id: usize,
    pub(super) code: String,
    /// Official name, title included (`Xã Tân Trụ`, `Tỉnh Tây Ninh`).
    pub(super) name: String,
    /// Byte offset of the name without its title.
    pub(super) short_start: usize,
    pub(super) kind: UnitKind,
    pub(super) era: Era,
    /// The unit one tier up (district or province).
    pub(super) parent: Option<usize>,
    /// For an old unit: the current units that now cover its area, in code order.
    pub(super) successors: Vec<usize>,
    /// Matching keys of the name without its title.
    pub(super) key: NameKey,
}

impl Unit {
    /// The statistical code (mã đơn vị hành chính), e.g. `28075`. Current communes reuse the
    /// code of one of the old communes they were formed from, so compare codes within one era.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The official name with its title, e.g. `Xã Tân Trụ`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name without its title, e.g. `Tân Trụ`.
    pub fn short_name(&self) -> &str {
        &self.name[self.short_start..]
    }

    /// What the unit is (xã, phường, huyện, tỉnh, …).
    pub fn kind(&self) -> UnitKind {
        self.kind
    }

    /// The tier of the unit.
    pub fn level(&self) -> Level {
        self.kind.level()
    }

    /// Whether the unit is from before or since 1 July 2025.
    pub fn era(&self) -> Era {
        self.era
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_names_give_kind_and_title_length() {
        assert_eq!(
            UnitKind::read_official_name("Thị trấn Tân Trụ", Level::Commune),
            Some((UnitKind::Township, "Thị trấn ".len()))
        );
        assert_eq!(
            UnitKind::read_official_name("Thành phố Tân An", Level::District),
            Some((UnitKind::ProvincialCity, "Thành phố ".len()))
        );
        assert_eq!(
            UnitKind::read_official_name("Thành phố Hà Nội", Level::Province),
            Some((UnitKind::Municipality, "Thành phố ".len()))
        );
        assert_eq!(
            UnitKind::read_official_name("Phường 1", Level::Commune),
            Some((UnitKind::Ward, "Phường ".len()))
        );
    }

    #[test]
    fn a_province_without_title_is_a_tinh_but_a_commune_needs_one() {
        assert_eq!(
            UnitKind::read_official_name("Tây Ninh", Level::Province),
            Some((UnitKind::Province, 0))
        );
        assert_eq!(
            UnitKind::read_official_name("Tân Trụ", Level::Commune),
            None
        );
        assert_eq!(UnitKind::read_official_name("Xã ", Level::Commune), None);
        assert_eq!(
            UnitKind::read_official_name("Huyện Tân Trụ", Level::Commune),
            None
        );
    }

    #[test]
    fn kinds_know_their_tier_and_title() {
        assert_eq!(UnitKind::Township.level(), Level::Commune);
        assert_eq!(UnitKind::Town.level(), Level::District);
        assert_eq!(UnitKind::Municipality.level(), Level::Province);
        assert_eq!(UnitKind::ProvincialCity.level(), Level::District);
        assert_eq!(UnitKind::RuralDistrict.title(), "Huyện");
    }
}
