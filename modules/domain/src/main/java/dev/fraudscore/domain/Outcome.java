package dev.fraudscore.domain;

/** What the payments system should do with the authorization. */
public enum Outcome {
    APPROVE,
    REVIEW,
    DECLINE;

    public boolean alerts() {
        return this != APPROVE;
    }
}
