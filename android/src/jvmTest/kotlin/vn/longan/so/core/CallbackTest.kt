package vn.longan.so.core

import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** Remembers what arrives and on which thread. */
class Recorder : Logger, EventListener {
    val records = CopyOnWriteArrayList<LogRecord>()
    val events = CopyOnWriteArrayList<CoreEvent>()
    val threads = CopyOnWriteArrayList<Long>()
    val eventArrived = CountDownLatch(1)

    override fun log(record: LogRecord) {
        threads.add(Thread.currentThread().id)
        records.add(record)
    }

    override fun onEvent(event: CoreEvent) {
        threads.add(Thread.currentThread().id)
        events.add(event)
        eventArrived.countDown()
    }
}

class CallbackTest {
    @Test
    fun logRecordsAndEventsArriveFromRustThreads() = runBlocking {
        val recorder = Recorder()
        val testThread = Thread.currentThread().id
        val core = openFreshCore(logger = recorder, listener = recorder, logLevel = LogLevel.INFO)
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        assertTrue("no event", recorder.eventArrived.await(10, TimeUnit.SECONDS))
        val event = recorder.events.first() as CoreEvent.CatalogChanged
        assertEquals(73uL, event.procedures)
        assertEquals(73uL, event.added)
        assertTrue(recorder.records.any { it.level == LogLevel.INFO && it.message.startsWith("imported catalogue rows") })
        assertTrue(recorder.threads.isNotEmpty())
        assertTrue(recorder.threads.all { it != testThread })
        core.shutdown()
    }

    @Test
    fun recordsBelowTheConfiguredLevelNeverReachTheLogger() = runBlocking {
        val recorder = Recorder()
        val core = openFreshCore(logger = recorder, logLevel = LogLevel.WARN)
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        assertFalse(recorder.records.any { it.level == LogLevel.INFO || it.level == LogLevel.DEBUG })
        core.shutdown()
    }

    @Test
    fun aListenerThatThrowsDoesNotBreakTheCall() = runBlocking {
        val throwing = object : EventListener {
            override fun onEvent(event: CoreEvent) = throw IllegalStateException("listener bug")
        }
        val core = openFreshCore(listener = throwing)
        val summary = core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        assertEquals(73uL, summary.added)
        assertNotEquals(0uL, core.catalogInfo().procedures)
        core.shutdown()
    }

    @Test
    fun theApiVersionIsTheOneTheseBindingsWereMadeFor() {
        assertEquals(8u, apiVersion())
    }
}
