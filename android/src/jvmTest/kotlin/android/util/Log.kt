package android.util

/**
 * A stand-in for Android's `android.util.Log` on the plain JVM, with the same names and
 * constants, so the integration guide's Logcat snippet compiles and runs in the JVM tests.
 */
object Log {
    const val DEBUG = 3
    const val INFO = 4
    const val WARN = 5
    const val ERROR = 6

    /** What was logged, for the tests to look at. */
    val lines = java.util.concurrent.CopyOnWriteArrayList<String>()

    @JvmStatic
    fun println(priority: Int, tag: String, msg: String): Int {
        lines.add("$priority/$tag: $msg")
        return msg.length
    }
}
