import Foundation
import LonganSoCore

/// Where the repository's seed data is; the runner passes it in the environment.
enum Seed {
    static let dataDir: String = ProcessInfo.processInfo.environment["LONGAN_SEED_DIR"] ?? "data"
    static var nationalCsv: String { dataDir + "/tthc/national-catalog.csv" }
    static var civilStatusCsv: String { dataDir + "/tthc/civil-status-subset.csv" }
    static var detailsDir: String { dataDir + "/tthc/details" }
}

/// A fresh, empty data directory.
func freshDataDir() -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("longan-swift-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.path
}

/// A core over a fresh data directory, opened.
func openFreshCore(
    language: Language? = nil,
    logger: Logger? = nil,
    listener: EventListener? = nil,
    logLevel: LogLevel? = nil
) async throws -> LonganCore {
    let config = CoreConfig(dataDir: freshDataDir(), language: language, logLevel: logLevel)
    let core = LonganCore(config: config, logger: logger, listener: listener)
    _ = try await core.open()
    return core
}

/// One core with the whole seed imported, shared by the read-only tests.
actor SeededCore {
    static let shared = SeededCore()
    private var core: LonganCore?

    func get() async throws -> LonganCore {
        if let core { return core }
        let opened = try await openFreshCore()
        _ = try await opened.importSeedFile(catalogCsvPath: Seed.nationalCsv, detailsDir: Seed.detailsDir)
        core = opened
        return opened
    }
}

/// Remembers what the core sends, and from which thread.
final class Recorder: Logger, EventListener, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var records: [LogRecord] = []
    private(set) var events: [CoreEvent] = []
    private(set) var onMainThread = false

    func log(record: LogRecord) throws {
        lock.lock(); defer { lock.unlock() }
        records.append(record)
        onMainThread = onMainThread || Thread.isMainThread
    }

    func onEvent(event: CoreEvent) throws {
        lock.lock(); defer { lock.unlock() }
        events.append(event)
        onMainThread = onMainThread || Thread.isMainThread
    }

    func snapshot() -> (records: [LogRecord], events: [CoreEvent], onMainThread: Bool) {
        lock.lock(); defer { lock.unlock() }
        return (records, events, onMainThread)
    }
}
