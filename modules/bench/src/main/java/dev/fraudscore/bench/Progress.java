package dev.fraudscore.bench;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** A one-line progress bar on stderr: done/total, rate, ETA, and a caller-supplied tail. */
final class Progress implements AutoCloseable {
    private final long total;
    private final AtomicLong done;
    private final Supplier<String> tail;
    private final long start = System.nanoTime();
    private final PrintStream out = System.err;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });

    Progress(long total, AtomicLong done, Supplier<String> tail) {
        this.total = total;
        this.done = done;
        this.tail = tail;
        timer.scheduleAtFixedRate(this::print, 500, 500, TimeUnit.MILLISECONDS);
    }

    private void print() {
        long n = done.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = n / Math.max(seconds, 1e-3);
        double share = total == 0 ? 1 : (double) n / total;
        int width = 30;
        int filled = (int) Math.round(share * width);
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        long eta = rate > 0 ? Math.round((total - n) / rate) : -1;
        out.printf(
                "\r[%s] %5.1f%%  %,d/%,d  %,.0f/s  ETA %s  %s   ",
                bar,
                share * 100,
                n,
                total,
                rate,
                eta < 0 ? "?" : String.format("%dm%02ds", eta / 60, eta % 60),
                tail.get());
        out.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        print();
        out.println();
    }
}
