package dev.fraudscore.node.bus;

/** Which edge a transaction came in through. */
public enum Source {
    HTTP,
    KAFKA
}
