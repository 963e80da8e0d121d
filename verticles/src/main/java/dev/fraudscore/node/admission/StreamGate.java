package dev.fraudscore.node.admission;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Stream records are never refused: when the node is full they wait here, in arrival order, and are let in
 * as places free up (checked every {@code pollMs} while anyone waits, by one timer). Used from one event loop
 * (the Kafka consumer's).
 */
public final class StreamGate {
    private final Vertx vertx;
    private final Admission admission;
    private final long pollMs;
    private final ArrayDeque<Promise<Admission.Ticket>> waiting = new ArrayDeque<>();
    private long timer = -1;

    public StreamGate(Vertx vertx, Admission admission, long pollMs) {
        this.vertx = vertx;
        this.admission = admission;
        this.pollMs = pollMs;
    }

    /** A place for one stream record, now or once the node has one. */
    public Future<Admission.Ticket> enter() {
        if (waiting.isEmpty()) {
            Optional<Admission.Ticket> now = admission.tryAcquire(Admission.Lane.STREAM);
            if (now.isPresent()) {
                return Future.succeededFuture(now.get());
            }
        }
        Promise<Admission.Ticket> p = Promise.promise();
        waiting.add(p);
        if (timer < 0) {
            timer = vertx.setPeriodic(pollMs, id -> admitWaiting());
        }
        return p.future();
    }

    public int waiting() {
        return waiting.size();
    }

    private void admitWaiting() {
        while (!waiting.isEmpty()) {
            Optional<Admission.Ticket> ticket = admission.tryAcquire(Admission.Lane.STREAM);
            if (ticket.isEmpty()) {
                return;
            }
            waiting.poll().complete(ticket.get());
        }
        vertx.cancelTimer(timer);
        timer = -1;
    }
}
