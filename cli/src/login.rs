//! The session commands: login, logout, whoami. The core signs in and out; this module binds
//! the loopback redirect (RFC 8252 §7.3), prints, and remembers which provider this data
//! directory signed in with, so that `logout` and `login --complete` need no flags.

use std::path::Path;
use std::time::Duration;

use longan_core::auth::LoginConfig;
use longan_core::net::{HttpClient, NetConfig};
use longan_core::outbox::{ItemKind, ItemState};
use longan_core::{Cancellation, Core};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::args::{JsonArgs, LoginArgs, LogoutArgs, ProviderArgs};
use crate::failure::{EXIT_AUTH, EXIT_INTERNAL, EXIT_USAGE, Failure};
use crate::loopback::Loopback;
use crate::print;
use crate::render_account as render;

/// The app's client id at the provider, unless told otherwise.
const DEFAULT_CLIENT_ID: &str = "longan-app";
/// The registered loopback redirect; each sign-in replaces it with its own port.
const LOOPBACK_REDIRECT_URI: &str = "http://127.0.0.1/callback";
/// Where the data directory remembers its provider (issuer and client id: nothing secret).
const PROVIDER_FILE: &str = "login-provider.json";
/// How long sign-out waits for the provider to take the revocation before leaving it queued.
const REVOCATION_WAIT: Duration = Duration::from_secs(15);

/// Which provider to sign in with.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Provider {
    issuer: String,
    client_id: String,
}

/// What became of the session's revocation at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// The provider revoked it.
    Sent,
    /// Not delivered yet (offline): it stays in the outbox.
    Queued,
    /// The provider refused it.
    Failed,
}

impl Revocation {
    /// The name in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Revocation::Sent => "sent",
            Revocation::Queued => "queued",
            Revocation::Failed => "failed",
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::new("internal", EXIT_INTERNAL, error.to_string()))
}

/// The provider: `--issuer` (or `$LONGAN_OIDC_ISSUER`), else the one remembered.
fn provider(args: &ProviderArgs, data_dir: &Path) -> Option<Provider> {
    let remembered = || {
        let bytes = std::fs::read(data_dir.join(PROVIDER_FILE)).ok()?;
        serde_json::from_slice::<Provider>(&bytes).ok()
    };
    let issuer = args.issuer.as_deref().map(str::trim);
    let mut provider = match issuer {
        Some(issuer) if !issuer.is_empty() => Provider {
            issuer: issuer.to_string(),
            client_id: DEFAULT_CLIENT_ID.to_string(),
        },
        _ => remembered()?,
    };
    if let Some(client_id) = &args.client_id {
        provider.client_id = client_id.clone();
    }
    Some(provider)
}

/// Remembers the provider of the sign-in just started (best effort: the flags still work).
fn remember(data_dir: &Path, provider: &Provider) {
    if let Ok(bytes) = serde_json::to_vec(provider) {
        let _ = std::fs::write(data_dir.join(PROVIDER_FILE), bytes);
    }
}

/// The core, signing citizens in with `provider`.
fn with_provider(core: Core, provider: &Provider) -> Result<Core, Failure> {
    let client = HttpClient::new(NetConfig::production(), core.clock().clone())?;
    let config = LoginConfig {
        issuer: provider.issuer.clone(),
        client_id: provider.client_id.clone(),
        redirect_uri: LOOPBACK_REDIRECT_URI.to_string(),
        post_logout_redirect_uri: None,
        refresh_reuse_grace: None,
    };
    Ok(core.with_login(config, client))
}

/// Prints the session of the profile in use.
fn print_session(core: &Core, json: bool) -> Result<(), Failure> {
    let session = core.session()?;
    print(&render::session(&session, &core.current_profile()?, json))
}

/// `longan login`: the browser flow through a loopback redirect, `--complete URL` for a
/// redirect pasted by hand, or the demo citizen with `--demo`.
pub fn login(core: Core, data_dir: &Path, args: &LoginArgs) -> Result<u8, Failure> {
    if args.demo {
        core.sign_in_demo()?;
        print_session(&core, args.json)?;
        return Ok(0);
    }
    let Some(provider) = provider(&args.provider, data_dir) else {
        return Err(Failure::new(
            "usage",
            EXIT_USAGE,
            "`longan login` needs --issuer URL (or $LONGAN_OIDC_ISSUER); `longan login --demo` signs the demo citizen in",
        ));
    };
    let core = with_provider(core, &provider)?;
    let cancel = Cancellation::new();
    let runtime = runtime()?;
    if let Some(redirect) = &args.complete {
        runtime.block_on(core.complete_login(redirect, &cancel))?;
        print_session(&core, args.json)?;
        return Ok(0);
    }
    runtime.block_on(async {
        let loopback = Loopback::bind().await?;
        let redirect_uri = loopback.redirect_uri();
        let url = core
            .start_login(Some(&redirect_uri), args.hint.as_deref(), &cancel)
            .await?;
        remember(data_dir, &provider);
        eprintln!("Mở địa chỉ này trong trình duyệt để đăng nhập:\n\n  {url}\n");
        if args.json {
            print(&format!("{}\n", json!({ "authorization_url": url })))?;
        }
        if args.no_wait {
            eprintln!(
                "Đăng nhập xong, trình duyệt chuyển tới {redirect_uri}?… (trang đó không mở \
                 được là bình thường). Chép nguyên địa chỉ ấy rồi chạy:\n  longan login --complete 'ĐỊA_CHỈ'"
            );
            return Ok(0);
        }
        eprintln!(
            "Đang chờ trình duyệt quay lại (tối đa {} giây)…",
            args.timeout_secs
        );
        let Some(callback) = loopback
            .wait(Duration::from_secs(args.timeout_secs))
            .await
        else {
            return Err(Failure::new(
                "auth",
                EXIT_AUTH,
                format!(
                    "the browser did not come back within {} s; the sign-in is still waiting: \
                     `longan login --complete URL` finishes it with the address the browser was sent to",
                    args.timeout_secs
                ),
            ));
        };
        match core.complete_login(&callback.url, &cancel).await {
            Ok(_) => {
                callback.answer(Ok(())).await;
                print_session(&core, args.json)?;
                Ok(0)
            }
            Err(error) => {
                let failure = Failure::from(error);
                callback.answer(Err(&failure.message)).await;
                Err(failure)
            }
        }
    })
}

/// `longan logout`: signs the profile in use out at once, then tries to deliver the
/// revocation (it stays queued when the provider cannot be reached).
pub fn logout(core: Core, data_dir: &Path, args: &LogoutArgs) -> Result<u8, Failure> {
    let core = match provider(&args.provider, data_dir) {
        Some(provider) => with_provider(core, &provider)?,
        None => core,
    };
    let profile = core.current_profile()?;
    let outcome = core.logout()?;
    let revocation = runtime()?.block_on(deliver_revocations(&core));
    let end_session_url = outcome.end_session_url.as_deref().map(without_id_token);
    print(&render::logout(
        end_session_url.as_deref(),
        &profile,
        outcome.profile_removed,
        revocation,
        args.json,
    ))?;
    Ok(0)
}

/// The end-session URL without its `id_token_hint`: the CLI never prints a token. The
/// provider still ends its session from it (by `client_id`), after asking the person to confirm.
fn without_id_token(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| pair.split('=').next() != Some("id_token_hint"))
        .collect();
    if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// Delivers the queued revocations, waiting [`REVOCATION_WAIT`] at most; what became of the
/// last one tried (`None` when there was none, or no provider is configured).
async fn deliver_revocations(core: &Core) -> Option<Revocation> {
    let cancel = Cancellation::new();
    let delivery = core.deliver_outbox(None, &cancel);
    tokio::pin!(delivery);
    let changes = tokio::select! {
        changes = &mut delivery => changes,
        () = tokio::time::sleep(REVOCATION_WAIT) => {
            cancel.cancel();
            delivery.await
        }
    };
    // Sign-out is complete whatever happens here; a failed delivery stays queued.
    let changes = changes.ok()?;
    changes
        .iter()
        .rev()
        .find(|change| change.kind == ItemKind::TokenRevocation)
        .map(|change| match change.state {
            ItemState::Sent { .. } => Revocation::Sent,
            ItemState::Failed { .. } => Revocation::Failed,
            ItemState::Queued | ItemState::Sending => Revocation::Queued,
        })
}

/// `longan whoami`.
pub fn whoami(core: &Core, args: &JsonArgs) -> Result<u8, Failure> {
    print_session(core, args.json)?;
    Ok(0)
}
