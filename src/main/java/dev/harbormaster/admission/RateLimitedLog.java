package dev.harbormaster.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One line per kind of failure per interval, with the count of the lines it held back: a fuzzer
 * or a broken client repeats the same fault thousands of times a second, and every 500 once wrote a
 * full stack trace (150,000 frame lines from one deep recursion).
 */
public final class RateLimitedLog {

    private static final int MAX_KEYS = 1000;

    private final Logger log;
    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        volatile long opened;
        final AtomicLong held = new AtomicLong();

        Window(long opened) {
            this.opened = opened;
        }
    }

    public RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Writes {@code line} at {@code level} unless a line with the same key was written within the interval. */
    public void log(Logger.Level level, String key, String line) {
        long held = admit(key);
        if (held >= 0) {
            log.log(level, Reasons.oneLine(line) + (held > 0 ? " (" + held + " more like it not logged)" : ""));
        }
    }

    /**
     * Whether a line with this key may be written now: -1 when one was written within the interval (this
     * one is held back and counted), else how many were held back since the last one (for a line that
     * says so in its own format).
     */
    public long admit(String key) {
        long now = System.nanoTime();
        if (windows.size() > MAX_KEYS) {
            windows.clear();
        }
        Window window = windows.get(key);
        if (window == null) {
            windows.putIfAbsent(key, new Window(now));
            return 0;
        }
        synchronized (window) {
            if (now - window.opened < intervalNanos) {
                window.held.incrementAndGet();
                return -1;
            }
            window.opened = now;
        }
        return window.held.getAndSet(0);
    }

    /** One line for an unexpected failure: what it was and where it began, never the whole trace. */
    public static String describe(Throwable failure) {
        StackTraceElement where = null;
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().startsWith("dev.harbormaster.")) {
                where = frame;
                break;
            }
        }
        if (where == null && failure.getStackTrace().length > 0) {
            where = failure.getStackTrace()[0];
        }
        return failure.getClass().getName() + ": " + failure.getMessage()
                + (where == null ? "" : " at " + where.getClassName() + "." + where.getMethodName() + ":" + where.getLineNumber());
    }

    /** The key failures are grouped by: the same type thrown from the same place. */
    public static String keyOf(Throwable failure) {
        StackTraceElement[] trace = failure.getStackTrace();
        return failure.getClass().getName() + (trace.length > 0 ? "@" + trace[0] : "");
    }
}
