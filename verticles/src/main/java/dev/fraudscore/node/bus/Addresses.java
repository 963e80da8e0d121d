package dev.fraudscore.node.bus;

/**
 * Every event-bus address, in one place. The pipeline's addresses are consumed node-locally (a
 * transaction is decided on the node it arrived at); the {@code CLUSTER_} ones reach every node.
 */
public final class Addresses {
    private Addresses() {}

    /** {@link ScoreRequest} -> {@link DecisionEvent}: the whole pipeline for one transaction. */
    public static final String PIPELINE_DECIDE = "fraud.pipeline.decide";
    /** {@link ScoreRequest} -> {@link FeatureVector}: velocity update in Hazelcast plus feature assembly. */
    public static final String FEATURES_UPDATE = "fraud.features.update";
    /** {@link FeatureVector} -> {@link ScoreResult}: micro-batched XGBoost on the worker pool. */
    public static final String SCORING_SCORE = "fraud.scoring.score";
    /** {@link DecisionEvent} (send): REVIEW and DECLINE decisions, to Kafka "fraud-alerts". */
    public static final String ALERTS_RAISE = "fraud.alerts.raise";
    /** {@code Label} -> {@link LabelResult}: store a verdict and apply it once to card and terminal velocity. */
    public static final String LABELS_APPLY = "fraud.labels.apply";
    /** Published cluster-wide: every REVIEW and DECLINE, for live consoles on any node. */
    public static final String CLUSTER_ALERTS_FEED = "fraud.cluster.alerts";
    /** Published cluster-wide: a {@code ModelChange} every node applies (new champion, challenger, thresholds). */
    public static final String CLUSTER_MODEL_CHANGE = "fraud.cluster.models";
}
