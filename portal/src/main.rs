//! `longan-portal [--port P] [--data-dir DIR] [--test-control] [--min-client-version V]`:
//! serves the reference portal on 127.0.0.1 until killed, after printing
//! `listening on http://127.0.0.1:PORT`. Logs one line per request to stderr.

use std::process::ExitCode;

use longan_portal::{PortalConfig, run_forever};

const USAGE: &str = "usage: longan-portal [--port P] [--data-dir DIR] [--test-control] \
                     [--min-client-version V]";

fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(Some(config)) => config,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("longan-portal: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run_forever(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("longan-portal: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The configuration the arguments ask for; `None` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<PortalConfig>, String> {
    let mut config = PortalConfig {
        log_requests: true,
        ..PortalConfig::default()
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_string(), Some(value.to_string()))
            }
            _ => (arg, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--port" => {
                let text = value()?;
                config.port = text.parse().map_err(|_| format!("invalid port {text:?}"))?;
            }
            "--data-dir" => config.data_dir = value()?.into(),
            "--min-client-version" => config.min_client_version = value()?,
            "--test-control" if inline.is_none() => config.test_control = true,
            "-h" | "--help" => return Ok(None),
            _ => return Err(format!("unexpected argument {name:?}")),
        }
    }
    Ok(Some(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<PortalConfig>, String> {
        parse_args(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn arguments_set_the_configuration_in_both_spellings() {
        let config = parse(&["--port", "8080", "--test-control", "--data-dir=/d"]).unwrap();
        let config = config.unwrap();
        assert_eq!((config.port, config.test_control), (8080, true));
        assert_eq!(config.data_dir, std::path::PathBuf::from("/d"));
        assert!(config.log_requests);
        let config = parse(&["--min-client-version=1.2.3"]).unwrap().unwrap();
        assert_eq!(
            (config.min_client_version.as_str(), config.port),
            ("1.2.3", 0)
        );
        assert_eq!(parse(&["--help"]), Ok(None));
    }

    #[test]
    fn bad_arguments_are_refused() {
        for args in [
            &["--port"][..],
            &["--port", "x"],
            &["--verbose"],
            &["--test-control=1"],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }
}
