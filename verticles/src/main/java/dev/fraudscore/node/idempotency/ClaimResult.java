package dev.fraudscore.node.idempotency;

import dev.fraudscore.domain.Decision;
import dev.fraudscore.node.json.DecisionCodec;

/**
 * What claiming a transaction id answered. On the wire (from the key's owner, maybe another member) it is a
 * compact string: a one-letter tag, and for {@link Decided} the decision's compact JSON; {@link #wire()} and
 * {@link #fromWire} are the only code that knows that form.
 */
public sealed interface ClaimResult {
    /**
     * Nobody decided this id yet (or a stale or released claim was taken over): this caller decides it.
     * {@code counted}: an earlier attempt whose decision was not kept (degraded) already counted the transaction
     * in the velocity state, so this one must not count it again.
     */
    record Fresh(long claimedAtMillis, boolean counted) implements ClaimResult {}

    /** Same payload, already decided: answer with that decision. */
    record Decided(Decision decision) implements ClaimResult {}

    /** The id was used with another payload. */
    record Conflict() implements ClaimResult {}

    /** Same payload, still being decided by someone else. */
    record InProgress() implements ClaimResult {}

    default String wire() {
        return switch (this) {
            case Fresh f -> (f.counted() ? "f" : "F") + f.claimedAtMillis();
            case Decided d -> "D" + DecisionCodec.encode(d.decision());
            case Conflict c -> "C";
            case InProgress p -> "P";
        };
    }

    static ClaimResult fromWire(String s) {
        return switch (s.charAt(0)) {
            case 'F' -> new Fresh(Long.parseLong(s.substring(1)), false);
            case 'f' -> new Fresh(Long.parseLong(s.substring(1)), true);
            case 'D' -> new Decided(DecisionCodec.decode(s.substring(1)));
            case 'C' -> new Conflict();
            case 'P' -> new InProgress();
            default -> throw new IllegalArgumentException("not a claim result: " + s);
        };
    }
}
