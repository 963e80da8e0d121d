package dev.fraudscore.features;

import java.io.Serializable;

/** Number of transactions and their amount sum in one window. */
public record Window(int count, double sum) implements Serializable {
    public static final Window EMPTY = new Window(0, 0);

    /** Average amount; 0 for an empty window. */
    public double average() {
        return count == 0 ? 0 : sum / count;
    }
}
