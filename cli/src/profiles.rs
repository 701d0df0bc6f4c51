//! `longan profile …`: the people using this device, each with their own sign-in and data.

use longan_core::Core;
use longan_core::profile::ProfileKind;

use crate::args::ProfileCommand;
use crate::failure::Failure;
use crate::render_account as render;

/// Runs one profile command; its output.
pub fn run(core: &Core, command: &ProfileCommand) -> Result<(String, u8), Failure> {
    let text = match command {
        ProfileCommand::List(args) => {
            let current = core.current_profile()?;
            render::profiles(&core.profiles()?, &current.id, args.json)
        }
        ProfileCommand::Add(args) => {
            let kind = if args.assisted {
                ProfileKind::Assisted
            } else {
                ProfileKind::Own
            };
            let profile = core.add_profile(&args.name, kind)?;
            render::profile(&profile, false, "Đã thêm", args.json)
        }
        ProfileCommand::Switch(args) => {
            let profile = core.switch_profile(args.id.trim())?;
            render::profile(&profile, true, "Đang dùng", args.json)
        }
        ProfileCommand::Remove(args) => {
            core.remove_profile(args.id.trim())?;
            render::removed(args.id.trim(), args.json)
        }
    };
    Ok((text, 0))
}
