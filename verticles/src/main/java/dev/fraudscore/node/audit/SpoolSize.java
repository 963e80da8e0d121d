package dev.fraudscore.node.audit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes waiting in the audit spool of this node, as last measured by its audit writers (after each spooled
 * batch and each replay pass). Readiness fails above {@code audit.spoolMaxBytes}; exported as
 * {@code fraud_audit_spool_bytes}.
 */
public final class SpoolSize {
    private final AtomicLong bytes = new AtomicLong();

    void set(long b) {
        bytes.set(b);
    }

    public long bytes() {
        return bytes.get();
    }
}
