//! Which units a written name or code refers to, among a set of candidates: the rules shared by
//! the old → current lookup, the search and the address reader.

use super::model::{Level, Unit, UnitKind};
use super::names::{MatchQuality, NameQuery};

/// Among `candidates`, the units `query` names: same name with the same marks when any
/// has them (Tân Thành is not Tân Thạnh), else the same letters; then narrowed to the kind
/// its title says (`xã`), else to that kind's tier (a former `thị trấn` written as `xã`),
/// else not narrowed. When nothing has the name, the title is tried as part of the name.
pub(super) fn named<'a>(candidates: &[&'a Unit], query: &NameQuery) -> Vec<&'a Unit> {
    let equal = |key| -> Vec<(&'a Unit, MatchQuality)> {
        candidates
            .iter()
            .filter_map(|unit| unit.key.matches(key, false).map(|quality| (*unit, quality)))
            .collect()
    };
    let mut found = equal(&query.key);
    let mut kinds = query.kinds;
    if found.is_empty() && query.whole != query.key {
        found = equal(&query.whole);
        kinds = &[];
    }
    if found
        .iter()
        .any(|(_, quality)| *quality == MatchQuality::Exact)
    {
        found.retain(|(_, quality)| *quality == MatchQuality::Exact);
    }
    let found: Vec<&Unit> = found.into_iter().map(|(unit, _)| unit).collect();
    narrow_to_kinds(found, kinds)
}

/// Units whose code is `code`, leading zeros ignored (`2` is province `02`).
pub(super) fn with_code<'a>(candidates: &[&'a Unit], code: &str) -> Vec<&'a Unit> {
    let number = |code: &str| code.parse::<u64>().ok();
    let wanted = number(code);
    candidates
        .iter()
        .filter(|unit| wanted.is_some() && number(&unit.code) == wanted)
        .copied()
        .collect()
}

/// Keeps the units of the named kinds, else of their tiers, else all.
pub(super) fn narrow_to_kinds<'a>(found: Vec<&'a Unit>, kinds: &[UnitKind]) -> Vec<&'a Unit> {
    if kinds.is_empty() {
        return found;
    }
    let levels: Vec<Level> = kinds.iter().map(|kind| kind.level()).collect();
    let of_kind: Vec<&Unit> = found
        .iter()
        .copied()
        .filter(|unit| kinds.contains(&unit.kind))
        .collect();
    if !of_kind.is_empty() {
        return of_kind;
    }
    let of_level: Vec<&Unit> = found
        .iter()
        .copied()
        .filter(|unit| levels.contains(&unit.level()))
        .collect();
    if of_level.is_empty() { found } else { of_level }
}
