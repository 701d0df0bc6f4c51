//! `longan-portal [--port P] [--data-dir DIR] [--test-control] [--min-client-version V]
//! [--oidc-issuer URL] [--oidc-client-id ID] [--oidc-client-secret S]
//! [--introspection-cache-ms N]`: serves the reference portal on 127.0.0.1 until killed, after
//! printing `listening on http://127.0.0.1:PORT`. Logs one line per request to stderr.
//!
//! The OpenID settings may come from the environment too (a flag wins):
//! `LONGAN_OIDC_ISSUER`, `LONGAN_OIDC_CLIENT_ID`, `LONGAN_OIDC_CLIENT_SECRET` (better there than
//! on a command line other users can read), `LONGAN_INTROSPECTION_CACHE_MS`.

use std::process::ExitCode;

use longan_portal::{PortalConfig, run_forever};

const USAGE: &str = "usage: longan-portal [--port P] [--data-dir DIR] [--test-control] \
                     [--min-client-version V] [--oidc-issuer URL] [--oidc-client-id ID] \
                     [--oidc-client-secret S] [--introspection-cache-ms N]\n\
                     env: LONGAN_OIDC_ISSUER, LONGAN_OIDC_CLIENT_ID, LONGAN_OIDC_CLIENT_SECRET, \
                     LONGAN_INTROSPECTION_CACHE_MS (flags win)";

fn main() -> ExitCode {
    let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let config = match parse_args(std::env::args().skip(1), env) {
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

/// The configuration the arguments (over the environment `env` gives) ask for; `None` for
/// `--help`.
fn parse_args(
    mut args: impl Iterator<Item = String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Option<PortalConfig>, String> {
    let mut config = PortalConfig {
        log_requests: true,
        oidc_issuer: env("LONGAN_OIDC_ISSUER"),
        oidc_client_secret: env("LONGAN_OIDC_CLIENT_SECRET"),
        ..PortalConfig::default()
    };
    if let Some(id) = env("LONGAN_OIDC_CLIENT_ID") {
        config.oidc_client_id = id;
    }
    if let Some(text) = env("LONGAN_INTROSPECTION_CACHE_MS") {
        config.introspection_cache_ms = milliseconds("LONGAN_INTROSPECTION_CACHE_MS", &text)?;
    }
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
            "--oidc-issuer" => config.oidc_issuer = Some(value()?),
            "--oidc-client-id" => config.oidc_client_id = value()?,
            "--oidc-client-secret" => config.oidc_client_secret = Some(value()?),
            "--introspection-cache-ms" => {
                config.introspection_cache_ms = milliseconds(&name, &value()?)?;
            }
            "-h" | "--help" => return Ok(None),
            _ => return Err(format!("unexpected argument {name:?}")),
        }
    }
    Ok(Some(config))
}

/// A whole number of milliseconds.
fn milliseconds(name: &str, text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("{name} must be a whole number of milliseconds, not {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<PortalConfig>, String> {
        parse_args(args.iter().map(|arg| arg.to_string()), |_| None)
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
    fn the_openid_settings_come_from_flags_over_the_environment() {
        let config = parse(&[]).unwrap().unwrap();
        assert_eq!(config.oidc_issuer, None);
        assert_eq!(config.oidc_client_id, "longan-portal");
        assert_eq!(config.introspection_cache_ms, 5000);
        let env = |name: &str| match name {
            "LONGAN_OIDC_ISSUER" => Some("https://env.example".to_string()),
            "LONGAN_OIDC_CLIENT_SECRET" => Some("from-env".to_string()),
            "LONGAN_INTROSPECTION_CACHE_MS" => Some("0".to_string()),
            _ => None,
        };
        let args = ["--oidc-issuer", "http://127.0.0.1:9", "--oidc-client-id=me"];
        let config = parse_args(args.iter().map(|a| a.to_string()), env);
        let config = config.unwrap().unwrap();
        assert_eq!(config.oidc_issuer.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(config.oidc_client_id, "me");
        assert_eq!(config.oidc_client_secret.as_deref(), Some("from-env"));
        assert_eq!(config.introspection_cache_ms, 0);
        assert!(!format!("{config:?}").contains("from-env"));
        let config = parse(&["--oidc-client-secret", "s", "--introspection-cache-ms=200"]);
        let config = config.unwrap().unwrap();
        assert_eq!(config.oidc_client_secret.as_deref(), Some("s"));
        assert_eq!(config.introspection_cache_ms, 200);
    }

    #[test]
    fn bad_arguments_are_refused() {
        for args in [
            &["--port"][..],
            &["--port", "x"],
            &["--verbose"],
            &["--test-control=1"],
            &["--introspection-cache-ms", "-1"],
            &["--oidc-issuer"],
        ] {
            assert!(parse(args).is_err(), "{args:?}");
        }
    }
}
