package vn.longan.so.core

import java.io.File
import java.nio.file.Files

/** Where the repository's seed data is; the runner passes it as a system property. */
object Seed {
    val dataDir: File = File(System.getProperty("longan.seed.dir") ?: error("longan.seed.dir is not set"))
    val nationalCsv: File = File(dataDir, "tthc/national-catalog.csv")
    val civilStatusCsv: File = File(dataDir, "tthc/civil-status-subset.csv")
    val detailsDir: File = File(dataDir, "tthc/details")
}

/** A fresh, empty data directory, deleted when the JVM exits. */
fun freshDataDir(): String {
    val dir = Files.createTempDirectory("longan-kotlin-").toFile()
    dir.deleteOnExit()
    return dir.absolutePath
}

/** A core over a fresh data directory, opened. */
suspend fun openFreshCore(
    language: Language? = null,
    logger: Logger? = null,
    listener: EventListener? = null,
    logLevel: LogLevel? = null,
): LonganCore {
    val core = LonganCore(CoreConfig(dataDir = freshDataDir(), language = language, logLevel = logLevel), logger, listener)
    core.open()
    return core
}

/** One core with the whole seed imported, shared by the read-only tests (importing takes seconds). */
object SeededCore {
    val core: LonganCore by lazy {
        kotlinx.coroutines.runBlocking {
            val core = openFreshCore()
            core.importSeedFile(Seed.nationalCsv.absolutePath, Seed.detailsDir.absolutePath)
            core
        }
    }
}
