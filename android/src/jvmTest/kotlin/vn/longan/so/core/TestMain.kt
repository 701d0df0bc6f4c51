package vn.longan.so.core

import org.junit.runner.Description
import org.junit.runner.JUnitCore
import org.junit.runner.notification.Failure
import org.junit.runner.notification.RunListener
import kotlin.system.exitProcess

/** Runs every test class and ends with `kotlin: N passed, M failed`, exiting non-zero on failure. */
fun main() {
    val classes = arrayOf(SearchTest::class.java, ErrorTest::class.java, ImportTest::class.java, CallbackTest::class.java, DocSnippetsTest::class.java, SyncTest::class.java, DossierTest::class.java, LoginTest::class.java, InboxTest::class.java)
    val core = JUnitCore()
    core.addListener(object : RunListener() {
        override fun testFinished(description: Description) = println("  ran ${description.testClass.simpleName}.${description.methodName}")
        override fun testFailure(failure: Failure) {
            println("FAILED ${failure.description.testClass.simpleName}.${failure.description.methodName}: ${failure.exception}")
            failure.exception.printStackTrace(System.out)
        }
    })
    val result = core.run(*classes)
    val failed = result.failureCount
    println("kotlin: ${result.runCount - failed} passed, $failed failed")
    exitProcess(if (failed == 0 && result.runCount > 0) 0 else 1)
}
