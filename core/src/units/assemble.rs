//! Turning the table rows into linked units: each unit once, its parent, and for old units the
//! current units covering them. Contradictions between rows are errors, not silent overwrites.

use std::collections::HashMap;

use super::error::{RowProblem, UnitsError};
use super::load::{self, Named, UnitSources};
use super::model::{Era, Level, Unit, UnitKind};
use super::names::NameKey;
use crate::text::normalize;

/// Units under construction, each found by era, tier and code.
#[derive(Default)]
struct Builder {
    units: Vec<Unit>,
    by_code: HashMap<(Era, Level, String), usize>,
}

/// Where a row came from, for error messages.
#[derive(Clone, Copy)]
struct Origin {
    file: &'static str,
    line: u64,
}

impl Origin {
    fn error(self, problem: RowProblem) -> UnitsError {
        UnitsError::Row {
            file: self.file,
            line: self.line,
            problem,
        }
    }
}

/// All units of the three tables, linked.
pub(super) fn assemble(sources: &UnitSources<'_>) -> Result<Vec<Unit>, UnitsError> {
    let mut builder = Builder::default();
    for (line, province) in load::current_provinces(sources.current_provinces)? {
        let origin = Origin {
            file: "915_CTK-CSCL.csv",
            line,
        };
        builder.unit(origin, Era::Current, Level::Province, &province, None)?;
    }
    for row in load::old_provinces(sources.old_provinces)? {
        let origin = Origin {
            file: "provinces_old_to_new.csv",
            line: row.line,
        };
        let current = builder.current_province(origin, &row.current_code)?;
        let old = builder.unit(origin, Era::Old, Level::Province, &row.old, None)?;
        builder.link(old, current);
    }
    for row in load::communes(sources.communes)? {
        let origin = Origin {
            file: "long_an_units_old_to_new.csv",
            line: row.line,
        };
        let province = builder
            .find(Era::Old, Level::Province, &row.old_province.code)
            .ok_or_else(|| {
                origin.error(RowProblem::UnknownProvince {
                    code: row.old_province.code.clone(),
                    era: "old",
                })
            })?;
        builder.same_name(origin, province, &row.old_province.name)?;
        let current_province = builder.current_province(origin, &row.current_province.code)?;
        builder.same_name(origin, current_province, &row.current_province.name)?;
        if !builder.units[province]
            .successors
            .contains(&current_province)
        {
            return Err(origin.error(RowProblem::ProvinceMismatch {
                old_province: row.old_province.code.clone(),
                expected: builder.units[province]
                    .successors
                    .iter()
                    .map(|&id| builder.units[id].code.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                found: row.current_province.code.clone(),
            }));
        }
        let district = builder.unit(
            origin,
            Era::Old,
            Level::District,
            &row.old_district,
            Some(province),
        )?;
        let old = builder.unit(
            origin,
            Era::Old,
            Level::Commune,
            &row.old_commune,
            Some(district),
        )?;
        let current = builder.unit(
            origin,
            Era::Current,
            Level::Commune,
            &row.current_commune,
            Some(current_province),
        )?;
        builder.link(old, current);
    }
    builder.link_districts();
    Ok(builder.units)
}

impl Builder {
    fn find(&self, era: Era, level: Level, code: &str) -> Option<usize> {
        self.by_code.get(&(era, level, code.to_string())).copied()
    }

    fn current_province(&self, origin: Origin, code: &str) -> Result<usize, UnitsError> {
        self.find(Era::Current, Level::Province, code)
            .ok_or_else(|| {
                origin.error(RowProblem::UnknownProvince {
                    code: code.to_string(),
                    era: "current",
                })
            })
    }

    /// The unit with this code, created on first sight; a second sight must agree on the name.
    fn unit(
        &mut self,
        origin: Origin,
        era: Era,
        level: Level,
        named: &Named,
        parent: Option<usize>,
    ) -> Result<usize, UnitsError> {
        if let Some(id) = self.find(era, level, &named.code) {
            self.same_name(origin, id, &named.name)?;
            return Ok(id);
        }
        let (kind, title_len) =
            UnitKind::read_official_name(&named.name, level).ok_or_else(|| {
                origin.error(RowProblem::Title {
                    name: named.name.clone(),
                })
            })?;
        // Province lists leave `Tỉnh` out; every unit carries its full official name.
        let name = if title_len == 0 {
            format!("{} {}", kind.title(), named.name)
        } else {
            named.name.clone()
        };
        let short_start = name.len() - (named.name.len() - title_len);
        let id = self.units.len();
        self.units.push(Unit {
            id,
            code: named.code.clone(),
            key: NameKey::of(&name[short_start..]),
            name,
            short_start,
            kind,
            era,
            parent,
            successors: Vec::new(),
        });
        self.by_code.insert((era, level, named.code.clone()), id);
        Ok(id)
    }

    /// Names agree when their canonical forms do (`Hòa` / `Hoà`), with or without the title.
    fn same_name(&self, origin: Origin, id: usize, name: &str) -> Result<(), UnitsError> {
        let unit = &self.units[id];
        let agrees = normalize(name) == normalize(&unit.name)
            || normalize(name) == normalize(unit.short_name());
        if agrees {
            Ok(())
        } else {
            Err(origin.error(RowProblem::Conflict {
                code: unit.code.clone(),
                here: name.to_string(),
                before: unit.name.clone(),
            }))
        }
    }

    fn link(&mut self, old: usize, current: usize) {
        let successors = &mut self.units[old].successors;
        if !successors.contains(&current) {
            successors.push(current);
        }
    }

    /// A district is covered by the current communes covering its communes (derived, so the
    /// tables need no district rows). Everything in code order, for stable answers.
    fn link_districts(&mut self) {
        for commune in 0..self.units.len() {
            let unit = &self.units[commune];
            if let (Era::Old, Level::Commune, Some(district)) =
                (unit.era, unit.level(), unit.parent)
            {
                for current in unit.successors.clone() {
                    self.link(district, current);
                }
            }
        }
        let codes: Vec<String> = self.units.iter().map(|unit| unit.code.clone()).collect();
        for unit in &mut self.units {
            unit.successors.sort_by(|&a, &b| codes[a].cmp(&codes[b]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURRENT: &str = "Stt,Mã số,Tên 34 tỉnh sau sáp nhập\n29,80,Tây Ninh\n30,82,Đồng Tháp\n";
    const OLD: &str = "old_province_code,old_province_name,new_province_code\n\
                       72,Tỉnh Tây Ninh,80\n80,Tỉnh Long An,80\n82,Tỉnh Tiền Giang,82\n";
    const HEADER: &str = "old_province_code,old_province_name,old_district_code,old_district_name,\
                          old_ward_code,old_ward_name,new_province_code,new_province_name,\
                          new_ward_code,new_ward_name\n";

    fn assemble_communes(rows: &str) -> Result<Vec<Unit>, UnitsError> {
        assemble(&UnitSources {
            current_provinces: CURRENT,
            old_provinces: OLD,
            communes: &format!("{HEADER}{rows}"),
        })
    }

    #[test]
    fn rows_become_linked_units_with_full_names() {
        let units = assemble_communes(
            "80,Tỉnh Long An,805,Huyện Tân Trụ,28099,Xã Bình Tịnh,80,Tỉnh Tây Ninh,28075,Xã Tân Trụ\n",
        )
        .unwrap();
        let by_name = |name: &str| units.iter().find(|u| u.name == name).unwrap();
        let province = by_name("Tỉnh Tây Ninh");
        assert_eq!(province.short_name(), "Tây Ninh");
        assert_eq!(province.era, Era::Current);
        let old = by_name("Xã Bình Tịnh");
        let current = by_name("Xã Tân Trụ");
        assert_eq!(old.successors, [current.id]);
        assert_eq!(by_name("Huyện Tân Trụ").successors, [current.id]);
        assert_eq!(by_name("Tỉnh Long An").successors, [province.id]);
        assert_eq!(current.parent, Some(province.id));
    }

    #[test]
    fn one_code_with_two_names_is_a_conflict() {
        let error = assemble_communes(
            "80,Tỉnh Long An,805,Huyện Tân Trụ,28099,Xã Bình Tịnh,80,Tỉnh Tây Ninh,28075,Xã Tân Trụ\n\
             80,Tỉnh Long An,805,Huyện Tân Trụ,28099,Xã Bình Lãng,80,Tỉnh Tây Ninh,28075,Xã Tân Trụ\n",
        )
        .unwrap_err();
        assert!(
            matches!(&error, UnitsError::Row { line: 3, problem: RowProblem::Conflict { code, .. }, .. } if code == "28099"),
            "{error}"
        );
    }

    #[test]
    fn tone_placement_differences_are_not_conflicts() {
        assemble_communes(
            "80,Tỉnh Long An,805,Huyện Tân Trụ,28099,Xã Bình Hòa,80,Tỉnh Tây Ninh,28075,Xã Tân Trụ\n\
             80,Tỉnh Long An,805,Huyện Tân Trụ,28099,Xã Bình Hoà,80,Tỉnh Tây Ninh,28087,Xã Nhựt Tảo\n",
        )
        .unwrap();
    }

    #[test]
    fn unknown_provinces_and_moves_to_the_wrong_province_are_rejected() {
        let unknown = assemble_communes(
            "81,Tỉnh X,805,Huyện Tân Trụ,28099,Xã Bình Tịnh,80,Tỉnh Tây Ninh,28075,Xã Tân Trụ\n",
        )
        .unwrap_err();
        assert!(matches!(
            unknown,
            UnitsError::Row {
                problem: RowProblem::UnknownProvince { era: "old", .. },
                ..
            }
        ));
        let moved = assemble_communes(
            "80,Tỉnh Long An,805,Huyện Tân Trụ,28099,Xã Bình Tịnh,82,Tỉnh Đồng Tháp,28075,Xã Tân Trụ\n",
        )
        .unwrap_err();
        assert!(matches!(
            moved,
            UnitsError::Row {
                problem: RowProblem::ProvinceMismatch { .. },
                ..
            }
        ));
    }

    #[test]
    fn a_commune_name_without_title_is_rejected() {
        let error = assemble_communes(
            "80,Tỉnh Long An,805,Huyện Tân Trụ,28099,Bình Tịnh,80,Tỉnh Tây Ninh,28075,Xã Tân Trụ\n",
        )
        .unwrap_err();
        assert!(
            matches!(
                error,
                UnitsError::Row {
                    problem: RowProblem::Title { .. },
                    ..
                }
            ),
            "{error}"
        );
    }
}
