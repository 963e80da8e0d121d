package dev.fraudscore.node.scoring;

import dev.fraudscore.model.FraudModel;

/** The model this node serves; one per node, shared by every scoring verticle instance. */
public final class ModelHolder {
    private volatile FraudModel current;

    public ModelHolder(FraudModel initial) {
        this.current = initial;
    }

    public FraudModel current() {
        return current;
    }
}
