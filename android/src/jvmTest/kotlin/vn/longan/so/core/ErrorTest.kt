package vn.longan.so.core

import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

class ErrorTest {
    private suspend inline fun <reified E : Throwable> expect(block: () -> Unit): E {
        try {
            block()
        } catch (error: Throwable) {
            if (error is E) return error
            fail("expected ${E::class.simpleName}, got $error")
        }
        fail("expected ${E::class.simpleName}, nothing was thrown")
        throw IllegalStateException()
    }

    @Test
    fun anEmptyQueryIsInvalidInputWithAMessageAndNoRetry() = runBlocking {
        val error = expect<LonganException.InvalidInput> { SeededCore.core.search(SearchQuery(text = "  ")) }
        assertTrue(error.userMessage, error.userMessage.contains("không hợp lệ"))
        assertFalse(error.isRetryable())
        assertEquals(null, error.retryAfterSeconds())
    }

    @Test
    fun aPageSizeOverTheLimitIsInvalidInput() = runBlocking {
        expect<LonganException.InvalidInput> { SeededCore.core.search(SearchQuery(text = "ho tich", limit = 1000u)) }
        Unit
    }

    @Test
    fun anUnknownCodeIsNotFoundInEnglishWhenAskedFor() = runBlocking {
        val core = openFreshCore(language = Language.EN)
        val error = expect<LonganException.NotFound> { core.procedure("9.999999") }
        assertTrue(error.userMessage, error.userMessage.startsWith("This procedure was not found"))
        core.shutdown()
    }

    @Test
    fun aMalformedKeyPinIsInvalidInputAtOpen() = runBlocking {
        val core = LonganCore(CoreConfig(dataDir = freshDataDir(), pinnedKeys = listOf("not-a-pin")))
        val error = expect<LonganException.InvalidInput> { core.open() }
        assertTrue(error.userMessage, error.userMessage.contains("64 hex digits"))
    }

    @Test
    fun aCallBeforeOpenSaysStorageIsUnavailable() = runBlocking {
        val core = LonganCore(CoreConfig(dataDir = freshDataDir()))
        expect<LonganException.StorageUnavailable> { core.fields(false) }
        Unit
    }

    @Test
    fun aSecondCoreOnTheSameDirectoryIsBusyUntilTheFirstCloses() = runBlocking {
        val dir = freshDataDir()
        val first = LonganCore(CoreConfig(dataDir = dir))
        first.open()
        val second = LonganCore(CoreConfig(dataDir = dir))
        val busy = expect<LonganException.StoreBusy> { second.open() }
        assertTrue(busy.isRetryable())
        first.shutdown()
        second.open()
        second.shutdown()
    }

    @Test
    fun aDamagedCacheIsRebuiltOnOpenAndTheReportSaysSoWhileStateIsUntouched() = runBlocking {
        val dir = freshDataDir()
        val first = LonganCore(CoreConfig(dataDir = dir))
        val fresh = first.open()
        assertTrue(fresh.newDirectory)
        assertEquals(null, fresh.stateDamage)
        first.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        first.shutdown()
        java.io.File(dir, "cache").walkTopDown().filter { it.isFile }.forEach { it.writeBytes(ByteArray(4096) { 0xA5.toByte() }) }
        val second = LonganCore(CoreConfig(dataDir = dir))
        val report = second.open()
        assertTrue(report.cacheRebuilt)
        assertTrue(report.cacheRebuiltBecause!!.isNotEmpty())
        assertEquals(0uL, report.procedures)
        assertEquals(false, report.newDirectory)
        assertEquals(false, report.stateLostAnything)
        assertEquals(0uL, report.stateLostWrites)
        assertEquals(null, report.stateDamage)
        second.shutdown()
    }

    @Test
    fun aRustPanicSurfacesAsAnException() {
        try {
            debugPanic("from the Kotlin tests")
            fail("debugPanic returned")
        } catch (error: InternalException) {
            assertTrue(error.message ?: "", (error.message ?: "").contains("from the Kotlin tests"))
        }
        // The library still works after the panic.
        assertEquals(8u, apiVersion())
    }
}
