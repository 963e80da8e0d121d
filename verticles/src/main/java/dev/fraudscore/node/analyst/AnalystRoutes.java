package dev.fraudscore.node.analyst;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.fraudscore.domain.Decision;
import dev.fraudscore.domain.Label;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.features.VelocityState;
import dev.fraudscore.features.VelocityWindows;
import dev.fraudscore.features.Window;
import dev.fraudscore.node.access.Access;
import dev.fraudscore.node.access.ApiKeys;
import dev.fraudscore.node.access.ApiKeys.Role;
import dev.fraudscore.node.admin.AdminVerticle;
import dev.fraudscore.node.bus.Addresses;
import dev.fraudscore.node.bus.DecisionEvent;
import dev.fraudscore.node.bus.LabelResult;
import dev.fraudscore.node.cluster.Maps;
import dev.fraudscore.node.cluster.OnContext;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.features.VelocityPeek;
import dev.fraudscore.node.http.ApiBodies;
import dev.fraudscore.node.http.ApiContract;
import dev.fraudscore.node.http.HttpErrors;
import dev.fraudscore.node.http.RouteMount;
import dev.fraudscore.node.http.Servers;
import dev.fraudscore.node.json.DecisionJson;
import dev.fraudscore.node.scoring.ModelHolder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The analysts' API on the public port: search over the audit trail with keyset pagination, a decision's detail,
 * card and terminal views (with the live velocity windows from Hazelcast), daily statistics, and the review queue
 * (list, claim, release, resolve). Reads need the {@code analyst} role; resolving a case records a label through
 * the node's label path and so needs {@code label} too. Every read goes through the masked views of schema
 * {@code analyst}, the same ones analysts query in SQL, and every search is one an index serves (a search no index
 * can serve is refused with 400 before it reaches PostgreSQL).
 */
public final class AnalystRoutes implements RouteMount {
    public static final String DECISIONS = "/v1/decisions";
    public static final String CASES = "/v1/cases";
    public static final String ALERTS = "/v1/alerts/stream";
    /** A stream's comment line at this period keeps it from every idle timeout on the way (node, HAProxy). */
    private static final long HEARTBEAT_MS = 15_000;
    /** Alerts sent again to a stream that (re)connects: since its Last-Event-ID, else the newest. */
    private static final int REPLAYED = 50;

    private static final String ALERT = "json_build_object('transactionId', transaction_id, 'client', client,"
            + " 'eventTime', event_time, 'decidedAt', decided_at, 'cardId', card_id, 'terminalId', terminal_id,"
            + " 'amount', amount, 'currency', currency, 'decision', decision, 'score', score, 'reasons', reasons,"
            + " 'nodeId', node_id)";

    private static final List<String> OUTCOMES = List.of("APPROVE", "REVIEW", "DECLINE");
    private static final int RECENT = 20;

    /** A decision as a search result: what an analyst scans a list for. */
    private static final String SUMMARY = "json_build_object('transactionId', transaction_id, 'client', client,"
            + " 'eventTime', event_time, 'decidedAt', decided_at, 'cardId', card_id, 'terminalId', terminal_id,"
            + " 'customerId', customer_id, 'amount', amount, 'currency', currency, 'channel', channel,"
            + " 'decision', decision, 'score', score, 'reasons', reasons, 'modelVersion', model_version,"
            + " 'nodeId', node_id, 'degraded', degraded)";
    /** A decision in full: the input, every feature value the model saw, thresholds, models and stage timings. */
    private static final String DETAIL = "json_build_object('transactionId', transaction_id, 'client', client,"
            + " 'eventTime', event_time, 'receivedAt', received_at, 'countedAt', counted_at, 'decidedAt', decided_at,"
            + " 'source', source, 'input', json_build_object('cardId', card_id, 'terminalId', terminal_id,"
            + " 'customerId', customer_id, 'amount', amount, 'currency', currency, 'channel', channel, 'mcc', mcc,"
            + " 'country', country, 'deviceId', device_id, 'ipNetwork', ip_network::text),"
            + " 'decision', decision, 'score', score, 'reasons', reasons, 'features', features,"
            + " 'thresholds', json_build_object('review', review_threshold, 'decline', decline_threshold),"
            + " 'modelVersion', model_version, 'challenger', CASE WHEN challenger_version IS NULL THEN NULL"
            + " ELSE json_build_object('version', challenger_version, 'score', challenger_score) END,"
            + " 'nodeId', node_id, 'degraded', degraded, 'degradedReason', degraded_reason,"
            + " 'stageMicros', json_build_object('idempotency', idempotency_us, 'features', features_us,"
            + " 'scoring', scoring_us, 'total', total_us))";

    private static final String LABEL = "json_build_object('transactionId', transaction_id, 'client', client,"
            + " 'fraud', fraud, 'previous', previous, 'source', source, 'cardId', card_id, 'terminalId', terminal_id,"
            + " 'eventTime', event_time, 'changedAt', changed_at, 'labelledBy', labelled_by)";
    private static final String CASE = "json_build_object('id', id, 'transactionId', transaction_id,"
            + " 'client', client, 'eventTime', event_time, 'openedAt', opened_at, 'decision', decision,"
            + " 'score', score, 'amount', amount, 'currency', currency, 'cardId', card_id, 'terminalId', terminal_id,"
            + " 'reasonCodes', reason_codes, 'status', status, 'claimedBy', claimed_by, 'claimedAt', claimed_at,"
            + " 'resolution', resolution, 'resolvedBy', resolved_by, 'resolvedAt', resolved_at, 'note', note)";

    private final Pool pool;
    private final HazelcastInstance hazelcast;
    private final Access access;
    private final ApiContract contract;
    private final ModelHolder models;
    private final String nodeId;
    private final long timeoutMs;
    private final int maxBodyBytes;

    /** {@code pool}: connects as the node's role (reads schema analyst, updates cases); shared by every loop. */
    public AnalystRoutes(
            Pool pool,
            HazelcastInstance hazelcast,
            Access access,
            ApiContract contract,
            ModelHolder models,
            String nodeId,
            long timeoutMs,
            int maxBodyBytes) {
        this.models = models;
        this.nodeId = nodeId;
        this.pool = pool;
        this.contract = contract;
        this.hazelcast = hazelcast;
        this.access = access;
        this.timeoutMs = timeoutMs;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Adds the routes (and {@code /openapi.json}) to a verticle's router (call from that verticle's start). */
    @Override
    public void mount(Vertx vertx, Router router) {
        Handlers h = new Handlers(vertx);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
        contract.serve(router);
        // the analyst console: static files (no key needed to load them; every API call it makes sends the key)
        router.get("/console/*")
                .handler(ctx -> {
                    if (ctx.request().path().equals("/console")) {
                        ctx.redirect("/console/");
                        return;
                    }
                    ctx.response()
                            .putHeader(
                                    "Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                            .putHeader("X-Content-Type-Options", "nosniff")
                            .putHeader("Referrer-Policy", "no-referrer");
                    ctx.next();
                })
                .handler(StaticHandler.create("console").setCachingEnabled(false));
        read(router, DECISIONS, "searchDecisions", h::search);
        read(router, DECISIONS + "/:transactionId", "getDecision", h::detail);
        read(router, "/v1/cards/:id", "getCard", ctx -> h.entity(ctx, true));
        read(router, "/v1/terminals/:id", "getTerminal", ctx -> h.entity(ctx, false));
        read(router, "/v1/stats/daily", "dailyStats", h::daily);
        read(router, CASES, "listCases", h::cases);
        read(router, ALERTS, "alertStream", h::alerts);
        read(router, "/v1/models", "getModels", ctx -> ctx.json(AdminVerticle.describe(models, nodeId)));
        read(router, CASES + "/:id", "getCase", h::oneCase);
        router.post(CASES + "/:id/claim")
                .handler(access.require(Role.ANALYST))
                .handler(contract.validate("claimCase"))
                .handler(h::claim);
        router.post(CASES + "/:id/release")
                .handler(access.require(Role.ANALYST))
                .handler(contract.validate("releaseCase"))
                .handler(h::release);
        router.post(CASES + "/:id/resolve")
                .consumes("application/json")
                .handler(access.require(Role.ANALYST))
                .handler(access.require(Role.LABEL))
                .handler(body)
                .handler(contract.validate("resolveCase"))
                .handler(h::resolve);
    }

    /** A GET for the analyst role: who first, then the contract, then the handler. */
    private void read(Router router, String path, String operationId, Handler<RoutingContext> handler) {
        router.get(path)
                .handler(access.require(Role.ANALYST))
                .handler(contract.validate(operationId))
                .handler(handler);
    }

    /** The handlers of one verticle (its Vert.x instance for the event bus and Hazelcast answers). */
    private final class Handlers {
        private final Vertx vertx;
        private final IMap<String, VelocityState> cards;
        private final IMap<String, VelocityState> terminals;

        Handlers(Vertx vertx) {
            this.vertx = vertx;
            this.cards = hazelcast.getMap(Maps.CARD_VELOCITY);
            this.terminals = hazelcast.getMap(Maps.TERMINAL_VELOCITY);
        }

        void search(RoutingContext ctx) {
            Sql sql = new Sql();
            int limit;
            try {
                AnalystQuery q = new AnalystQuery(
                        ctx.queryParams(),
                        List.of(
                                "card",
                                "terminal",
                                "customer",
                                "client",
                                "outcome",
                                "minScore",
                                "maxScore",
                                "reason",
                                "model",
                                "node",
                                "degraded",
                                "from",
                                "to",
                                "limit",
                                "cursor"));
                String card = q.token("card");
                String terminal = q.token("terminal");
                String customer = q.token("customer");
                String outcome = q.oneOf("outcome", OUTCOMES);
                OffsetDateTime from = q.instant("from");
                OffsetDateTime to = q.instant("to");
                boolean indexed = card != null
                        || terminal != null
                        || customer != null
                        || (outcome != null && !outcome.equals("APPROVE"))
                        || (from != null && to != null && !to.isAfter(from.plusDays(1)));
                if (!indexed) {
                    throw new ValidationException(
                            "card",
                            "indexed_filter",
                            "a search needs card, terminal, customer, outcome REVIEW or DECLINE, or from and to at"
                                    + " most 24 hours apart (each is served by an index or one day's partition)");
                }
                sql.eq("card_id", card).eq("terminal_id", terminal).eq("customer_id", customer);
                sql.eq("client", q.token("client")).eq("decision", outcome);
                sql.eq("model_version", q.token("model")).eq("node_id", q.token("node"));
                sql.eq("degraded", q.bool("degraded"));
                sql.cmp("score::float8 >=", q.number("minScore", 0, 1))
                        .cmp("score::float8 <=", q.number("maxScore", 0, 1));
                String reason = q.code("reason");
                if (reason != null) {
                    sql.where(
                            "reasons @> jsonb_build_array(jsonb_build_object('code', " + sql.arg(reason) + "::text))");
                }
                sql.cmp("event_time >=", from).cmp("event_time <", to);
                List<String> cursor = q.cursor(3);
                if (cursor != null) {
                    sql.where("(event_time, transaction_id, client) < ("
                            + sql.arg(AnalystQuery.fromMicros(Long.parseLong(cursor.get(0))))
                            + ", " + sql.arg(cursor.get(1)) + ", " + sql.arg(cursor.get(2)) + ")");
                }
                limit = q.limit();
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            String text = "SELECT " + SUMMARY + ", (extract(epoch FROM event_time) * 1000000)::bigint, transaction_id,"
                    + " client FROM analyst.decisions" + sql.whereClause()
                    + " ORDER BY event_time DESC, transaction_id DESC, client DESC LIMIT " + (limit + 1);
            pool.preparedQuery(text)
                    .execute(sql.args)
                    .onSuccess(rows -> ctx.json(page(
                            rows, limit, r -> AnalystQuery.cursorOf(r.getLong(1), r.getString(2), r.getString(3)))))
                    .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "audit store")));
        }

        /**
         * Server-sent events: every node's REVIEW and DECLINE as they are decided (the cluster-wide event-bus feed),
         * after the ones this client missed (since its {@code Last-Event-ID}: an event's id is its event time in
         * microseconds) or, on a first connection, the newest few. A browser's EventSource reconnects by itself
         * (to any node behind the load balancer) and resumes from its last id.
         */
        void alerts(RoutingContext ctx) {
            Long since;
            try {
                AnalystQuery q = new AnalystQuery(ctx.queryParams(), List.of());
                String last = ctx.request().getHeader("Last-Event-ID");
                since = last == null || last.isBlank() ? null : parseMicros(last.trim());
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            HttpServerResponse response = ctx.response()
                    .setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("X-Accel-Buffering", "no");
            Servers.streaming(ctx);
            response.write("retry: 2000\n\n");
            // live alerts wait until the replay is written, so that the stream stays in order
            List<JsonObject> held = new ArrayList<>();
            boolean[] replaying = {true};
            MessageConsumer<DecisionEvent> feed = vertx.eventBus().consumer(Addresses.CLUSTER_ALERTS_FEED, m -> {
                JsonObject alert = alertJson(m.body());
                if (replaying[0]) {
                    held.add(alert);
                } else {
                    send(response, alert);
                }
            });
            long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> response.write(": heartbeat\n\n"));
            response.closeHandler(v -> {
                feed.unregister();
                vertx.cancelTimer(heartbeat);
            });
            Future<RowSet<Row>> missed = since == null
                    ? pool.preparedQuery("SELECT * FROM (SELECT " + ALERT + " AS a, event_time FROM analyst.decisions"
                                    + " WHERE decision IN ('REVIEW', 'DECLINE') ORDER BY event_time DESC LIMIT "
                                    + REPLAYED + ") n ORDER BY event_time")
                            .execute()
                    : pool.preparedQuery("SELECT " + ALERT + " FROM analyst.decisions WHERE decision IN ('REVIEW',"
                                    + " 'DECLINE') AND event_time > $1 ORDER BY event_time LIMIT " + (REPLAYED * 20))
                            .execute(Tuple.of(AnalystQuery.fromMicros(since)));
            feed.completion().compose(v -> missed).onComplete(ar -> {
                Set<String> sent = new HashSet<>();
                if (ar.succeeded()) {
                    for (Row r : ar.result()) {
                        JsonObject alert = r.getJsonObject(0);
                        sent.add(alert.getString("client") + "/" + alert.getString("transactionId"));
                        send(response, alert);
                    }
                }
                replaying[0] = false;
                for (JsonObject alert : held) {
                    if (!sent.contains(alert.getString("client") + "/" + alert.getString("transactionId"))) {
                        send(response, alert);
                    }
                }
                held.clear();
            });
        }

        void detail(RoutingContext ctx) {
            String id = ctx.pathParam("transactionId");
            String client;
            try {
                AnalystQuery q = new AnalystQuery(ctx.queryParams(), List.of("client"));
                client = q.token("client");
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            pool.preparedQuery("SELECT " + DETAIL + ", client FROM analyst.decisions WHERE transaction_id = $1"
                            + " AND ($2::text IS NULL OR client = $2) ORDER BY decided_at DESC LIMIT 2")
                    .execute(Tuple.of(id, client))
                    .compose(rows -> {
                        List<Row> found = list(rows);
                        if (found.isEmpty()) {
                            return Future.failedFuture(Failure.UNKNOWN_TRANSACTION.exception(
                                    "no decision of transaction " + id + (client == null ? "" : " of " + client)));
                        }
                        if (found.size() > 1
                                && !found.get(0)
                                        .getString(1)
                                        .equals(found.get(1).getString(1))) {
                            return Future.failedFuture(Failure.AMBIGUOUS_TRANSACTION.exception(
                                    "transaction " + id + " was decided for more than one client; give ?client="));
                        }
                        JsonObject decision = found.get(0).getJsonObject(0);
                        String owner = found.get(0).getString(1);
                        Future<RowSet<Row>> labels = pool.preparedQuery("SELECT " + LABEL
                                        + " FROM analyst.label_history WHERE transaction_id = $1 AND client = $2"
                                        + " ORDER BY id")
                                .execute(Tuple.of(id, owner));
                        Future<RowSet<Row>> kase = pool.preparedQuery("SELECT " + CASE
                                        + " FROM analyst.cases WHERE transaction_id = $1 AND client = $2")
                                .execute(Tuple.of(id, owner));
                        return Future.all(labels, kase)
                                .map(v -> decision.put("labelHistory", ApiBodies.column(labels.result()))
                                        .put("case", first(kase.result())));
                    })
                    .onSuccess(ctx::json)
                    .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "audit store")));
        }

        void entity(RoutingContext ctx, boolean card) {
            String id = ctx.pathParam("id");
            String column = card ? "card_id" : "terminal_id";
            try {
                new AnalystQuery(ctx.queryParams(), List.of());
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            Future<RowSet<Row>> recent = pool.preparedQuery("SELECT " + SUMMARY + " FROM analyst.decisions WHERE "
                            + column + " = $1 ORDER BY event_time DESC LIMIT " + RECENT)
                    .execute(Tuple.of(id));
            Future<RowSet<Row>> frauds = pool.preparedQuery("SELECT json_build_object('transactionId',"
                            + " transaction_id, 'client', client, 'eventTime', event_time, 'source', source,"
                            + " 'labelledAt', labelled_at, 'labelledBy', labelled_by) FROM analyst.labels WHERE "
                            + column + " = $1 AND fraud ORDER BY event_time DESC LIMIT 100")
                    .execute(Tuple.of(id));
            Future<RowSet<Row>> history = pool.preparedQuery("SELECT " + LABEL + " FROM analyst.label_history WHERE "
                            + column + " = $1 ORDER BY id DESC LIMIT 100")
                    .execute(Tuple.of(id));
            long now = System.currentTimeMillis();
            Future<double[]> velocity = OnContext.future(
                    (card ? cards : terminals).submitToKey(id, new VelocityPeek(now)),
                    vertx.getOrCreateContext(),
                    timeoutMs);
            Future.all(recent, frauds, history)
                    .onSuccess(v -> velocity.onComplete(w -> ctx.json(new JsonObject()
                            .put(card ? "cardId" : "terminalId", id)
                            .put("recentDecisions", ApiBodies.column(recent.result()))
                            .put("knownFrauds", ApiBodies.column(frauds.result()))
                            .put("labelHistory", ApiBodies.column(history.result()))
                            .put(
                                    "velocity",
                                    w.succeeded()
                                            ? velocityJson(w.result(), now)
                                            : new JsonObject()
                                                    .put(
                                                            "unavailable",
                                                            w.cause().getMessage())))))
                    .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "audit store")));
        }

        void daily(RoutingContext ctx) {
            LocalDate day;
            try {
                AnalystQuery q = new AnalystQuery(ctx.queryParams(), List.of("day"));
                LocalDate given = q.day("day");
                day = given == null ? LocalDate.now(ZoneOffset.UTC) : given;
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            OffsetDateTime from = day.atStartOfDay().atOffset(ZoneOffset.UTC);
            Tuple range = Tuple.of(from, from.plus(1, ChronoUnit.DAYS));
            String inDay = " FROM audit.decisions WHERE event_time >= $1 AND event_time < $2";
            Future<RowSet<Row>> outcomes = pool.preparedQuery("SELECT json_build_object('decision', decision,"
                            + " 'count', count(*), 'degraded', count(*) FILTER (WHERE degraded))" + inDay
                            + " GROUP BY decision ORDER BY decision")
                    .execute(range);
            Future<RowSet<Row>> reasons = pool.preparedQuery("SELECT json_build_object('code', code, 'count', n)"
                            + " FROM (SELECT code, count(*) AS n FROM (SELECT unnest(coalesce(reason_codes,"
                            + " ARRAY(SELECT r->>'code' FROM jsonb_array_elements(coalesce(reasons, '[]')) r))) AS code"
                            + inDay + ") c GROUP BY code ORDER BY n DESC, code LIMIT 10) t")
                    .execute(range);
            Future<RowSet<Row>> scores = pool.preparedQuery("SELECT json_build_object('modelVersion', m,"
                            + " 'buckets', json_agg(json_build_object('from', (b - 1) / 10.0, 'to', b / 10.0,"
                            + " 'count', n) ORDER BY b)) FROM (SELECT coalesce(model_version, 'none') AS m,"
                            + " least(width_bucket(score, 0, 1, 10), 10) AS b, count(*) AS n" + inDay
                            + " AND score IS NOT NULL GROUP BY 1, 2) s GROUP BY m ORDER BY m")
                    .execute(range);
            Future<RowSet<Row>> queue = pool.query("SELECT json_build_object('open', count(*) FILTER (WHERE status"
                            + " = 'open'), 'claimed', count(*) FILTER (WHERE status = 'claimed'), 'oldestOpenedAt',"
                            + " min(opened_at), 'oldestAgeSeconds', extract(epoch FROM now() - min(opened_at)))"
                            + " FROM analyst.cases WHERE status <> 'resolved'")
                    .execute();
            Future.all(outcomes, reasons, scores, queue)
                    .onSuccess(v -> ctx.json(new JsonObject()
                            .put("day", day.toString())
                            .put("outcomes", ApiBodies.column(outcomes.result()))
                            .put("topReasons", ApiBodies.column(reasons.result()))
                            .put("scoreDistribution", ApiBodies.column(scores.result()))
                            .put("reviewQueue", first(queue.result()))))
                    .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "audit store")));
        }

        void cases(RoutingContext ctx) {
            Sql sql = new Sql();
            int limit;
            try {
                AnalystQuery q = new AnalystQuery(
                        ctx.queryParams(),
                        List.of("status", "minScore", "minAmount", "reason", "card", "limit", "cursor"));
                String status = q.oneOf("status", List.of("open", "claimed", "unresolved", "resolved"));
                if (status == null || status.equals("unresolved")) {
                    sql.where("status <> 'resolved'");
                } else {
                    sql.eq("status", status);
                    if (!status.equals("resolved")) {
                        sql.where("status <> 'resolved'");
                    }
                }
                sql.cmp("score::float8 >=", q.number("minScore", 0, 1));
                sql.cmp("amount::float8 >=", q.number("minAmount", 0, 1e15));
                String reason = q.code("reason");
                if (reason != null) {
                    sql.where(sql.arg(reason) + "::text = ANY (reason_codes)");
                }
                sql.eq("card_id", q.token("card"));
                List<String> cursor = q.cursor(2);
                if (cursor != null) {
                    sql.where("(opened_at, id) > (" + sql.arg(AnalystQuery.fromMicros(Long.parseLong(cursor.get(0))))
                            + ", " + sql.arg(parseId(cursor.get(1))) + ")");
                }
                limit = q.limit();
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            pool.preparedQuery("SELECT " + CASE + ", (extract(epoch FROM opened_at) * 1000000)::bigint, id"
                            + " FROM analyst.cases" + sql.whereClause() + " ORDER BY opened_at, id LIMIT "
                            + (limit + 1))
                    .execute(sql.args)
                    .onSuccess(rows ->
                            ctx.json(page(rows, limit, r -> AnalystQuery.cursorOf(r.getLong(1), r.getLong(2)))))
                    .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "audit store")));
        }

        void oneCase(RoutingContext ctx) {
            long id;
            try {
                new AnalystQuery(ctx.queryParams(), List.of());
                id = parseId(ctx.pathParam("id"));
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            caseWithEvents(id)
                    .onSuccess(ctx::json)
                    .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "audit store")));
        }

        private Future<JsonObject> caseWithEvents(long id) {
            Future<RowSet<Row>> kase = pool.preparedQuery("SELECT " + CASE + " FROM analyst.cases WHERE id = $1")
                    .execute(Tuple.of(id));
            Future<RowSet<Row>> events = pool.preparedQuery("SELECT json_build_object('at', at, 'actor', actor,"
                            + " 'action', action, 'detail', detail) FROM analyst.case_events WHERE case_id = $1"
                            + " ORDER BY id")
                    .execute(Tuple.of(id));
            return Future.all(kase, events).compose(v -> {
                JsonObject c = first(kase.result());
                if (c == null) {
                    return Future.failedFuture(Failure.UNKNOWN_CASE.exception("no case " + id));
                }
                return Future.succeededFuture(c.put("events", ApiBodies.column(events.result())));
            });
        }

        void claim(RoutingContext ctx) {
            transition(ctx, "claimed", "status = 'open'", "status = 'claimed', claimed_by = $2, claimed_at = now()");
        }

        void release(RoutingContext ctx) {
            transition(
                    ctx,
                    "released",
                    "status = 'claimed' AND claimed_by = $2",
                    "status = 'open', claimed_by = NULL, claimed_at = NULL");
        }

        /**
         * Moves a case from the state {@code when} describes (for the caller {@code $2}) and records the event, in
         * one statement; a case in another state is answered with what stands in the way.
         */
        private void transition(RoutingContext ctx, String action, String when, String set) {
            long id;
            try {
                new AnalystQuery(ctx.queryParams(), List.of());
                id = parseId(ctx.pathParam("id"));
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            String analyst = ctx.<ApiKeys.Client>get(Access.CLIENT).name();
            pool.preparedQuery("WITH c AS (UPDATE audit.cases SET " + set + " WHERE id = $1 AND " + when
                            + " RETURNING id), e AS (INSERT INTO audit.case_events (case_id, actor, action)"
                            + " SELECT id, $2, '" + action + "' FROM c) SELECT id FROM c")
                    .execute(Tuple.of(id, analyst))
                    .compose(rows -> {
                        if (rows.size() == 1) {
                            return caseWithEvents(id);
                        }
                        return caseWithEvents(id).compose(c -> Future.failedFuture(refusal(c, analyst, action)));
                    })
                    .onSuccess(ctx::json)
                    .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "audit store")));
        }

        void resolve(RoutingContext ctx) {
            long id;
            boolean fraud;
            String note;
            try {
                new AnalystQuery(ctx.queryParams(), List.of());
                id = parseId(ctx.pathParam("id"));
                JsonObject body = ApiBodies.jsonObject(ctx);
                for (String name : body.fieldNames()) {
                    if (!name.equals("verdict") && !name.equals("note")) {
                        throw new ValidationException(name, "unknown_field", "a resolution has verdict and note only");
                    }
                }
                Object verdict = body.getValue("verdict");
                if (!"fraud".equals(verdict) && !"genuine".equals(verdict)) {
                    throw new ValidationException("verdict", "enum", "verdict must be \"fraud\" or \"genuine\"");
                }
                fraud = verdict.equals("fraud");
                Object n = body.getValue("note");
                if (n != null && !(n instanceof String)) {
                    throw new ValidationException("note", "string", "note must be a string");
                }
                note = (String) n;
                if (note != null && note.length() > 2000) {
                    throw new ValidationException("note", "max_length", "note must be at most 2000 characters");
                }
            } catch (ValidationException e) {
                HttpErrors.respond(ctx, e);
                return;
            }
            String analyst = ctx.<ApiKeys.Client>get(Access.CLIENT).name();
            caseWithEvents(id)
                    .compose(c -> {
                        if (!"claimed".equals(c.getString("status")) || !analyst.equals(c.getString("claimedBy"))) {
                            return Future.failedFuture(refusal(c, analyst, "resolved"));
                        }
                        // the verdict goes the way every label goes: stored with its history, then applied once
                        // to the card's and the terminal's velocity state
                        Label label = new Label(
                                        c.getString("transactionId"),
                                        fraud,
                                        "analyst",
                                        null,
                                        null,
                                        null,
                                        c.getString("client"),
                                        null)
                                .by(analyst);
                        return vertx.eventBus()
                                .<LabelResult>request(
                                        Addresses.LABELS_APPLY,
                                        label,
                                        new DeliveryOptions()
                                                .setSendTimeout(timeoutMs)
                                                .setLocalOnly(true))
                                .compose(m -> pool.preparedQuery("WITH c AS (UPDATE audit.cases SET status ="
                                                + " 'resolved', resolution = $3, resolved_by = $2, resolved_at = now(),"
                                                + " note = $4 WHERE id = $1 AND status = 'claimed' AND claimed_by = $2"
                                                + " RETURNING id), e AS (INSERT INTO audit.case_events (case_id, actor,"
                                                + " action, detail) SELECT id, $2, 'resolved', $3 || coalesce(': '"
                                                + " || $4, '') FROM c) SELECT id FROM c")
                                        .execute(Tuple.of(id, analyst, fraud ? "fraud" : "genuine", note))
                                        .compose(rows -> caseWithEvents(id)
                                                .compose(after -> rows.size() == 1
                                                        ? Future.succeededFuture(after.put(
                                                                "label",
                                                                new JsonObject()
                                                                        .put(
                                                                                "fraud",
                                                                                m.body()
                                                                                        .fraud())
                                                                        .put(
                                                                                "change",
                                                                                m.body()
                                                                                        .change())))
                                                        : Future.failedFuture(refusal(after, analyst, "resolved")))));
                    })
                    .onSuccess(ctx::json)
                    .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "audit store")));
        }
    }

    /** One alert as a server-sent event; its id is its event time in microseconds (what a reconnection resumes from). */
    private static void send(HttpServerResponse response, JsonObject alert) {
        if (response.closed() || response.ended()) {
            return;
        }
        OffsetDateTime at = OffsetDateTime.parse(alert.getString("eventTime"));
        long micros = at.toEpochSecond() * 1_000_000L + at.getNano() / 1000;
        response.write("id: " + micros + "\nevent: alert\ndata: " + alert.encode() + "\n\n");
    }

    private static JsonObject alertJson(DecisionEvent e) {
        Decision d = e.decision();
        Transaction tx = e.transaction();
        JsonObject answer = DecisionJson.decision(d, false, 0);
        return new JsonObject()
                .put("transactionId", tx.transactionId())
                .put("client", e.origin().client())
                .put("eventTime", tx.timestamp().toString())
                .put("decidedAt", d.decidedAt().toString())
                .put("cardId", tx.cardId())
                .put("terminalId", tx.terminalId())
                .put("amount", tx.amount())
                .put("currency", tx.currency())
                .put("decision", d.outcome().name())
                .put("score", answer.getValue("score"))
                .put("reasons", answer.getJsonArray("reasons"))
                .put("nodeId", d.nodeId());
    }

    private static long parseMicros(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ValidationException("Last-Event-ID", "event_id", "Last-Event-ID is not an id this stream sent");
        }
    }

    /** Why {@code action} cannot be done to a case as it is now. */
    private static Throwable refusal(JsonObject c, String analyst, String action) {
        String status = c.getString("status");
        String holder = c.getString("claimedBy");
        if ("claimed".equals(status) && !analyst.equals(holder)) {
            return Failure.CASE_HELD.exception("case " + c.getLong("id") + " is claimed by " + holder);
        }
        if ("open".equals(status) && !action.equals("claimed")) {
            return Failure.CASE_STATE.exception("case " + c.getLong("id") + " is open: claim it first");
        }
        if ("claimed".equals(status)) {
            return Failure.CASE_STATE.exception("case " + c.getLong("id") + " is already claimed by you");
        }
        return Failure.CASE_STATE.exception("case " + c.getLong("id") + " is resolved (" + c.getString("resolution")
                + ") by " + c.getString("resolvedBy"));
    }

    private static long parseId(String s) {
        try {
            long id = Long.parseLong(s);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ValidationException("id", "positive_integer", "a case id is a positive whole number");
    }

    private static List<Row> list(RowSet<Row> rows) {
        List<Row> out = new ArrayList<>();
        rows.forEach(out::add);
        return out;
    }

    private static JsonObject first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : rows.iterator().next().getJsonObject(0);
    }

    /** A page of a keyset-ordered query fetched with one row more than {@code limit}. */
    private static JsonObject page(RowSet<Row> rows, int limit, Function<Row, String> cursorOf) {
        JsonArray items = new JsonArray();
        Row last = null;
        int n = 0;
        for (Row r : rows) {
            if (n++ == limit) {
                break;
            }
            items.add(r.getValue(0));
            last = r;
        }
        return new JsonObject().put("items", items).put("next", rows.size() > limit ? cursorOf.apply(last) : null);
    }

    private static JsonObject velocityJson(double[] packed, long now) {
        JsonObject out = new JsonObject().put("asOf", Instant.ofEpochMilli(now).toString());
        if (packed == null) {
            return out.put("known", false);
        }
        VelocityWindows w = VelocityWindows.unpack(packed, false);
        return out.put("known", true)
                .put("lastHour", window(w.h1()))
                .put("last24Hours", window(w.d1()))
                .put("last7Days", window(w.d7()))
                .put("last30Days", window(w.d30()))
                .put(
                        "labelled",
                        new JsonObject()
                                .put("delayDays", VelocityState.LABEL_DELAY_DAYS)
                                .put("day", window(w.delayed1()).put("frauds", w.frauds1()))
                                .put("week", window(w.delayed7()).put("frauds", w.frauds7()))
                                .put("month", window(w.delayed30()).put("frauds", w.frauds30())))
                .put("secondsSincePrevious", Double.isNaN(w.secondsSincePrevious()) ? null : w.secondsSincePrevious());
    }

    private static JsonObject window(Window w) {
        return new JsonObject().put("count", w.count()).put("amount", w.sum());
    }

    /** A WHERE clause built from the filters given, with positional arguments. */
    private static final class Sql {
        final Tuple args = Tuple.tuple();
        final List<String> conditions = new ArrayList<>();

        String arg(Object value) {
            args.addValue(value);
            return "$" + args.size();
        }

        Sql where(String condition) {
            conditions.add(condition);
            return this;
        }

        Sql eq(String column, Object value) {
            return value == null ? this : where(column + " = " + arg(value));
        }

        Sql cmp(String columnAndOperator, Object value) {
            return value == null ? this : where(columnAndOperator + " " + arg(value));
        }

        String whereClause() {
            return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
        }
    }
}
