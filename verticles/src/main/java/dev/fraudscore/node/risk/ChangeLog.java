package dev.fraudscore.node.risk;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The append-only log of changes to what decides besides the model's score: list entries, rules, thresholds and the
 * models served ({@code risk.changes}: who, when, what, before, after; read at {@code GET /v1/risk/changes}).
 */
public final class ChangeLog {
    private static final String INSERT = "INSERT INTO risk.changes (actor, object, object_id, action, before, after)"
            + " VALUES ($1, $2, $3, $4, $5, $6)";

    private ChangeLog() {}

    /** {@code sql}: a connection inside the change's own transaction where there is one. */
    public static Future<Void> record(
            SqlClient sql,
            String actor,
            String object,
            String objectId,
            String action,
            JsonObject before,
            JsonObject after) {
        return sql.preparedQuery(INSERT)
                .execute(Tuple.of(actor, object, objectId, action, before, after))
                .mapEmpty();
    }
}
