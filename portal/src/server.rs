//! Starting, running and stopping a portal.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::PortalClock;
use crate::config::PortalConfig;
use crate::dossiers::DossierBook;
use crate::error::PortalError;
use crate::feed::Feed;
use crate::introspection::Introspector;
use crate::rate_limit::{Rate, RateLimiter};
use crate::state::AppState;
use crate::version::Version;
use crate::{routes, seed, stderr_logger};

/// A portal serving on 127.0.0.1. Dropping it stops it too (without waiting).
#[derive(Debug)]
pub struct RunningPortal {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningPortal {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets requests in progress finish, and returns once the
    /// server has stopped.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Loads the seed data, binds 127.0.0.1:`config.port` and spawns the server on the current
/// tokio runtime; returns as soon as it accepts connections. The dossiers' stories start now.
pub async fn start(config: PortalConfig) -> Result<RunningPortal, PortalError> {
    let minimum = Version::parse(&config.min_client_version)
        .ok_or_else(|| PortalError::InvalidMinClientVersion(config.min_client_version.clone()))?;
    let (per_minute, burst) = (
        config.dossier_lookups_per_minute,
        config.dossier_lookup_burst,
    );
    let rate =
        Rate::new(per_minute, burst).ok_or(PortalError::InvalidRateLimit { per_minute, burst })?;
    let introspector = config
        .oidc()
        .map_err(PortalError::InvalidOidc)?
        .map(Introspector::new)
        .transpose()?;
    let data_dir = config.data_dir.clone();
    let clock = PortalClock::default();
    let epoch = clock.now();
    let (entries, book) = tokio::task::spawn_blocking(move || {
        let entries = seed::load(&data_dir)?;
        let procedures = entries
            .iter()
            .map(|entry| (entry.summary.code.clone(), entry.summary.name.clone()))
            .collect();
        Ok::<_, PortalError>((entries, DossierBook::new(procedures, epoch)))
    })
    .await
    .map_err(|error| PortalError::Io(std::io::Error::other(error)))??;
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
        .await
        .map_err(|source| PortalError::Bind {
            port: config.port,
            source,
        })?;
    let addr = listener.local_addr()?;
    let feed = Feed::new(entries);
    let served = feed.len();
    let limiter = RateLimiter::new(rate);
    let state = Arc::new(AppState::new(
        feed,
        book,
        limiter,
        minimum,
        clock,
        introspector,
    ));
    let app = routes::router(state, config.test_control, config.log_requests);
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    log::info!("portal serving {served} procedures on http://{addr}");
    Ok(RunningPortal { addr, stop, task })
}

/// For the binary: installs a stderr logger (unless one is installed), builds a runtime,
/// starts the portal, prints `listening on http://127.0.0.1:PORT` to stdout, and serves until
/// the process is killed.
pub fn run_forever(config: PortalConfig) -> Result<(), PortalError> {
    stderr_logger::install();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let portal = start(config).await?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "listening on {}", portal.url())?;
        stdout.flush()?;
        drop(stdout);
        match portal.task.await {
            Ok(served) => Ok(served?),
            Err(error) => Err(PortalError::Io(std::io::Error::other(error))),
        }
    })
}
