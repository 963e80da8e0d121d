package dev.fraudscore.node.bus;

/** Failure codes carried by event-bus replies; the edges map them to HTTP statuses or DLQ reasons. */
public final class Codes {
    private Codes() {}

    /** The request refers to something the platform does not know. */
    public static final int NOT_FOUND = 404;
    /** The transaction id was used with a different payload, or the first request is still being decided. */
    public static final int CONFLICT = 409;
    /** A bounded queue is full: retry later. */
    public static final int OVERLOADED = 503;
    /** A dependency failed; the caller may retry. */
    public static final int UNAVAILABLE = 502;

    public static final int INTERNAL = 500;
}
