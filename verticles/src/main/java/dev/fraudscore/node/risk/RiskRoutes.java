package dev.fraudscore.node.risk;

import com.hazelcast.core.HazelcastInstance;
import dev.fraudscore.domain.Luhn;
import dev.fraudscore.domain.Outcome;
import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.domain.ValidationException;
import dev.fraudscore.node.access.Access;
import dev.fraudscore.node.access.ApiKeys;
import dev.fraudscore.node.access.ApiKeys.Role;
import dev.fraudscore.node.failure.Failure;
import dev.fraudscore.node.http.ApiBodies;
import dev.fraudscore.node.http.ApiContract;
import dev.fraudscore.node.http.HttpErrors;
import dev.fraudscore.node.http.RouteMount;
import dev.fraudscore.node.risk.RiskLists.Kind;
import dev.fraudscore.node.risk.RiskLists.ListType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * The risk team's API for block and allow lists (role {@code risk}, public port): list the entries in force, add
 * one, remove one, import many from CSV, and read the change log. Entries live in PostgreSQL; after every change the
 * node announces it on Hazelcast and every node reloads its {@link RiskLists} (within a second). Every change is
 * written to {@code risk.changes} in the same transaction: who, when, before, after.
 */
public final class RiskRoutes implements RouteMount {
    public static final String LISTS = "/v1/lists";
    public static final String RULES = "/v1/rules";
    private static final Pattern RULE_NAME = Pattern.compile("[a-z0-9_\\-]{1,64}");
    private static final Pattern REASON_CODE = Pattern.compile("[A-Z0-9_]{1,64}");
    private static final String RULE = "json_build_object('name', name, 'version', version, 'expression', expression,"
            + " 'action', action, 'reasonCode', reason_code, 'scoreAdjustment', score_adjustment, 'priority', priority,"
            + " 'state', state, 'changedBy', changed_by, 'changedAt', changed_at)";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._:@=+/\\-]{1,128}");
    private static final int MAX_REASON = 500;
    private static final int MAX_IMPORT_BYTES = 16 << 20;
    private static final String ENTRY = "json_build_object('id', id, 'list', list, 'kind', kind, 'value', value,"
            + " 'reason', reason, 'addedBy', added_by, 'addedAt', added_at, 'expiresAt', expires_at,"
            + " 'removedAt', removed_at, 'removedBy', removed_by)";
    private static final String INSERT =
            "INSERT INTO risk.list_entries (list, kind, value, reason, added_by, expires_at)"
                    + " SELECT l, k, v, r, $5, e::timestamptz FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[],"
                    + " $6::text[]) AS x(l, k, v, r, e)"
                    + " ON CONFLICT (list, kind, value) WHERE removed_at IS NULL DO NOTHING RETURNING " + ENTRY;

    private static final String RETIRE_EXPIRED = "UPDATE risk.list_entries SET removed_at = expires_at, removed_by ="
            + " 'expiry' WHERE removed_at IS NULL AND expires_at <= now() AND (list, kind, value) IN (SELECT * FROM"
            + " UNNEST($1::text[], $2::text[], $3::text[]))";
    /** An entry in force: not removed, not expired. */
    private static final String IN_FORCE = "removed_at IS NULL AND (expires_at IS NULL OR expires_at > now())";

    private final Pool pool;
    private final HazelcastInstance hazelcast;
    private final Access access;
    private final ApiContract contract;

    public RiskRoutes(Pool pool, HazelcastInstance hazelcast, Access access, ApiContract contract) {
        this.pool = pool;
        this.hazelcast = hazelcast;
        this.access = access;
        this.contract = contract;
    }

    @Override
    public void mount(Vertx vertx, Router router) {
        BodyHandler json = BodyHandler.create(false).setBodyLimit(64 << 10);
        router.get(LISTS)
                .handler(access.require(Role.RISK))
                .handler(contract.validate("listEntries"))
                .handler(this::entries);
        router.post(LISTS)
                .consumes("application/json")
                .handler(access.require(Role.RISK))
                .handler(json)
                .handler(contract.validate("addListEntry"))
                .handler(this::add);
        router.post(LISTS + "/import")
                .consumes("text/csv")
                .handler(access.require(Role.RISK))
                .handler(BodyHandler.create(false).setBodyLimit(MAX_IMPORT_BYTES))
                .handler(this::importCsv);
        router.patch(LISTS + "/:id")
                .consumes("application/json")
                .handler(access.require(Role.RISK))
                .handler(json)
                .handler(contract.validate("changeListEntry"))
                .handler(this::change);
        router.delete(LISTS + "/:id")
                .handler(access.require(Role.RISK))
                .handler(contract.validate("removeListEntry"))
                .handler(this::remove);
        router.post(RULES + "/backtest")
                .consumes("application/json")
                .handler(access.require(Role.RISK))
                .handler(json)
                .handler(this::backtest);
        router.get(RULES).handler(access.require(Role.RISK)).handler(this::rules);
        router.get(RULES + "/:name/versions").handler(access.require(Role.RISK)).handler(this::ruleVersions);
        router.put(RULES + "/:name")
                .consumes("application/json")
                .handler(access.require(Role.RISK))
                .handler(json)
                .handler(this::saveRule);
        router.get("/v1/risk/changes")
                .handler(access.require(Role.RISK))
                .handler(contract.validate("riskChanges"))
                .handler(this::changes);
    }

    /** One entry to add, checked. */
    record NewEntry(ListType list, Kind kind, String value, String reason, OffsetDateTime expiresAt) {}

    /** Checks one entry; {@code where} prefixes field names (a CSV line's number). */
    static NewEntry check(String list, String kind, String value, String reason, String expiresAt, String where) {
        ListType l = parse(ListType.class, list, where + "list", "block or allow");
        Kind k = parse(Kind.class, kind, where + "kind", "card, terminal, customer, device or ip");
        if (value == null || value.isBlank()) {
            throw new ValidationException(where + "value", "required", "value is required");
        }
        value = value.trim();
        if (k == Kind.IP) {
            if (RiskLists.cidr(value) == null) {
                throw new ValidationException(
                        where + "value", "ip_or_cidr", "an ip entry is an IPv4 or IPv6 address or a CIDR range");
            }
        } else if (!TOKEN.matcher(value).matches()) {
            throw new ValidationException(
                    where + "value", "identifier", "value must be 1-128 of letters, digits and . _ : @ = + / -");
        } else if (Luhn.looksLikePan(value)) {
            throw new ValidationException(
                    where + "value", "not_a_pan", "value looks like a raw card number; list the card's token");
        }
        return new NewEntry(l, k, value, reason(reason, where), expiry(expiresAt, where));
    }

    /** An entry's reason, trimmed: required, at most 500 characters. */
    private static String reason(String reason, String where) {
        if (reason == null || reason.isBlank()) {
            throw new ValidationException(where + "reason", "required", "every entry needs a reason");
        }
        if (reason.length() > MAX_REASON) {
            throw new ValidationException(where + "reason", "max_length", "reason must be at most 500 characters");
        }
        return reason.trim();
    }

    /** An entry's expiry: none (null or blank), or an ISO-8601 date-time in the future. */
    private static OffsetDateTime expiry(String expiresAt, String where) {
        if (expiresAt == null || expiresAt.isBlank()) {
            return null;
        }
        OffsetDateTime expires;
        try {
            expires = OffsetDateTime.parse(expiresAt.trim());
        } catch (DateTimeParseException e) {
            throw new ValidationException(
                    where + "expiresAt", "iso8601", "expiresAt must be an ISO-8601 date-time with an offset");
        }
        if (!expires.toInstant().isAfter(Instant.now())) {
            throw new ValidationException(where + "expiresAt", "in_future", "expiresAt must be in the future");
        }
        return expires;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String s, String field, String allowed) {
        if (s == null || s.isBlank()) {
            throw new ValidationException(field, "required", field + " is required: " + allowed);
        }
        try {
            return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException(field, "one_of", field + " must be " + allowed);
        }
    }

    private void entries(RoutingContext ctx) {
        String list = ctx.queryParams().get("list");
        String kind = ctx.queryParams().get("kind");
        String value = ctx.queryParams().get("value");
        String after = ctx.queryParams().get("after");
        String limit = ctx.queryParams().get("limit");
        pool.preparedQuery("SELECT " + ENTRY + ", id FROM risk.list_entries WHERE " + IN_FORCE
                        + " AND ($1::text IS NULL OR list = $1) AND ($2::text IS NULL OR kind = $2)"
                        + " AND ($3::text IS NULL OR value = $3) AND id > $4 ORDER BY id LIMIT $5")
                .execute(Tuple.of(
                        list,
                        kind,
                        value,
                        after == null ? 0L : Long.parseLong(after),
                        limit == null ? 100 : Integer.parseInt(limit)))
                .onSuccess(rows -> {
                    JsonArray items = new JsonArray();
                    long last = 0;
                    for (Row r : rows) {
                        items.add(r.getJsonObject(0));
                        last = r.getLong(1);
                    }
                    int max = limit == null ? 100 : Integer.parseInt(limit);
                    ctx.json(new JsonObject()
                            .put("items", items)
                            .put("next", rows.size() == max ? Long.toString(last) : null));
                })
                .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "risk store")));
    }

    private void add(RoutingContext ctx) {
        NewEntry entry;
        try {
            JsonObject b = ApiBodies.jsonObject(ctx);
            entry = check(
                    b.getString("list"),
                    b.getString("kind"),
                    b.getString("value"),
                    b.getString("reason"),
                    b.getString("expiresAt"),
                    "");
        } catch (ValidationException | ClassCastException e) {
            HttpErrors.respond(ctx, e instanceof ValidationException v ? v : invalidBody(e));
            return;
        }
        String actor = actor(ctx);
        announced(
                ctx,
                pool.withTransaction(conn -> insert(conn, List.of(entry), actor).compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.failedFuture(Failure.LIST_ENTRY_EXISTS.exception(
                                "a " + entry.list().wire() + " entry for "
                                        + entry.kind().wire() + " " + entry.value() + " is already in force"));
                    }
                    JsonObject created = rows.iterator().next().getJsonObject(0);
                    return change(conn, actor, created.getLong("id"), "add", null, created)
                            .map(created);
                })),
                b -> 201);
    }

    private void importCsv(RoutingContext ctx) {
        List<NewEntry> entries = new ArrayList<>();
        try {
            String text = ctx.body().buffer() == null ? "" : ctx.body().buffer().toString(StandardCharsets.UTF_8);
            String[] lines = text.split("\r?\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || (i == 0 && line.toLowerCase(Locale.ROOT).startsWith("list,"))) {
                    continue;
                }
                String[] f = Arrays.copyOf(line.split(",", 5), 5);
                entries.add(check(f[0], f[1], f[2], f[3], f[4], "line " + (i + 1) + ": "));
            }
            if (entries.isEmpty()) {
                throw new ValidationException(
                        "body", "required", "no entries: one per line, list,kind,value,reason[,expiresAt]");
            }
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        String actor = actor(ctx);
        announced(
                ctx,
                pool.withTransaction(conn -> insert(conn, entries, actor).compose(rows -> {
                    JsonObject summary = new JsonObject()
                            .put("received", entries.size())
                            .put("added", rows.size())
                            .put("alreadyInForce", entries.size() - rows.size());
                    return change(conn, actor, 0, "import", null, summary).map(summary);
                })),
                b -> 200);
    }

    /**
     * Changes an entry in force: its reason and/or its expiry ({@code "expiresAt": null} removes it); the row keeps
     * its id, the change log keeps before and after, every node reloads.
     */
    private void change(RoutingContext ctx) {
        long id;
        String reason;
        boolean newExpiry;
        OffsetDateTime expires;
        try {
            id = entryId(ctx);
            JsonObject b = ApiBodies.jsonObject(ctx);
            reason = b.containsKey("reason") ? reason(b.getString("reason"), "") : null;
            newExpiry = b.containsKey("expiresAt");
            expires = newExpiry ? expiry(b.getString("expiresAt"), "") : null;
            if (reason == null && !newExpiry) {
                throw new ValidationException("body", "required", "give a reason or expiresAt (null: no expiry)");
            }
        } catch (ValidationException | ClassCastException e) {
            HttpErrors.respond(ctx, e instanceof ValidationException v ? v : invalidBody(e));
            return;
        }
        String actor = actor(ctx);
        announced(
                ctx,
                pool.withTransaction(conn -> conn.preparedQuery("SELECT " + ENTRY
                                + " FROM risk.list_entries WHERE id = $1 AND " + IN_FORCE + " FOR UPDATE")
                        .execute(Tuple.of(id))
                        .compose(found -> {
                            if (found.size() == 0) {
                                return notInForce(id);
                            }
                            JsonObject before = found.iterator().next().getJsonObject(0);
                            return conn.preparedQuery("UPDATE risk.list_entries SET reason = coalesce($2, reason),"
                                            + " expires_at = CASE WHEN $3 THEN $4 ELSE expires_at END WHERE id = $1"
                                            + " RETURNING " + ENTRY)
                                    .execute(Tuple.of(id, reason, newExpiry, expires))
                                    .compose(rows -> {
                                        JsonObject after =
                                                rows.iterator().next().getJsonObject(0);
                                        return change(conn, actor, id, "change", before, after)
                                                .map(after);
                                    });
                        })),
                b -> 200);
    }

    /**
     * Answers with what a committed change returned ({@code status} of it), after telling every node to reload; a
     * failure as the store's.
     */
    private void announced(RoutingContext ctx, Future<JsonObject> change, ToIntFunction<JsonObject> status) {
        change.onSuccess(body -> {
                    ListsVerticle.announce(hazelcast);
                    ctx.response().setStatusCode(status.applyAsInt(body));
                    ctx.json(body);
                })
                .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "risk store")));
    }

    private static Future<JsonObject> notInForce(long id) {
        return Future.failedFuture(Failure.UNKNOWN_LIST_ENTRY.exception("no list entry " + id + " in force"));
    }

    private static long entryId(RoutingContext ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ValidationException("id", "positive_integer", "an entry id is a whole number");
        }
    }

    private void remove(RoutingContext ctx) {
        long id;
        try {
            id = entryId(ctx);
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        }
        String actor = actor(ctx);
        announced(
                ctx,
                pool.withTransaction(conn -> conn.preparedQuery("UPDATE risk.list_entries SET removed_at = now(),"
                                + " removed_by = $2 WHERE id = $1 AND removed_at IS NULL RETURNING " + ENTRY)
                        .execute(Tuple.of(id, actor))
                        .compose(rows -> {
                            if (rows.size() == 0) {
                                return notInForce(id);
                            }
                            JsonObject removed = rows.iterator().next().getJsonObject(0);
                            JsonObject before =
                                    removed.copy().putNull("removedAt").putNull("removedBy");
                            return change(conn, actor, id, "remove", before, removed)
                                    .map(removed);
                        })),
                b -> 200);
    }

    private void changes(RoutingContext ctx) {
        String limit = ctx.queryParams().get("limit");
        pool.preparedQuery("SELECT json_build_object('id', id, 'at', at, 'actor', actor, 'object', object,"
                        + " 'objectId', object_id, 'action', action, 'before', before, 'after', after)"
                        + " FROM risk.changes ORDER BY id DESC LIMIT $1")
                .execute(Tuple.of(limit == null ? 100 : Integer.parseInt(limit)))
                .onSuccess(rows -> ctx.json(new JsonObject().put("items", ApiBodies.column(rows))))
                .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "risk store")));
    }

    private void rules(RoutingContext ctx) {
        pool.query("SELECT " + RULE + " FROM (SELECT DISTINCT ON (name) * FROM risk.rules ORDER BY name, version DESC)"
                        + " r ORDER BY priority, name")
                .execute()
                .onSuccess(rows -> ctx.json(new JsonObject().put("items", ApiBodies.column(rows))))
                .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "risk store")));
    }

    private void ruleVersions(RoutingContext ctx) {
        pool.preparedQuery("SELECT " + RULE + " FROM risk.rules WHERE name = $1 ORDER BY version DESC")
                .execute(Tuple.of(ctx.pathParam("name")))
                .onSuccess(rows -> {
                    if (rows.size() == 0) {
                        HttpErrors.respond(ctx, Failure.UNKNOWN_RULE.exception("no rule " + ctx.pathParam("name")));
                    } else {
                        ctx.json(new JsonObject().put("items", ApiBodies.column(rows)));
                    }
                })
                .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "risk store")));
    }

    /**
     * Saves a new version of a rule (the first creates it): type-checked before anything is stored (422 {@code
     * rule_invalid} with the line and column), then in force on every node once they reload.
     */
    private void saveRule(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        RiskRules.Rule rule;
        try {
            if (!RULE_NAME.matcher(name).matches()) {
                throw new ValidationException("name", "pattern", "a rule's name is 1-64 of a-z, 0-9, _ and -");
            }
            JsonObject b = ApiBodies.jsonObject(ctx);
            String expression = b.getString("expression");
            if (expression == null || expression.isBlank() || expression.length() > 4000) {
                throw new ValidationException(
                        "expression", "required", "expression is required (at most 4000 characters)");
            }
            RiskRules.Action action =
                    parse(RiskRules.Action.class, b.getString("action"), "action", "APPROVE, REVIEW, DECLINE or NONE");
            String code = b.getString("reasonCode");
            if (code == null || !REASON_CODE.matcher(code).matches()) {
                throw new ValidationException("reasonCode", "pattern", "reasonCode is 1-64 of A-Z, 0-9 and _");
            }
            Object priority = b.getValue("priority", 100);
            if (!(priority instanceof Integer p) || p < 0 || p > 1_000_000) {
                throw new ValidationException(
                        "priority", "range", "priority is a whole number 0..1000000 (lower first)");
            }
            RiskRules.State state =
                    parse(RiskRules.State.class, b.getString("state", "shadow"), "state", "active, shadow or disabled");
            rule = new RiskRules.Rule(
                    name, 0, expression, action, code, (Integer) priority, state, scoreAdjustment(b, "", action));
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        } catch (ClassCastException e) {
            HttpErrors.respond(
                    ctx,
                    new ValidationException(
                            "body",
                            "type",
                            "expression, action, reasonCode and state are strings, priority a whole number,"
                                    + " scoreAdjustment a number"));
            return;
        }
        try {
            RiskRules.compile(rule.expression());
        } catch (RiskRules.InvalidRule e) {
            HttpErrors.respond(
                    ctx,
                    Failure.RULE_INVALID.exception(
                            "line " + e.line() + ", column " + e.column() + ": " + e.getMessage()));
            return;
        }
        String actor = actor(ctx);
        announced(
                ctx,
                pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('rule:' || $1))")
                        .execute(Tuple.of(name))
                        .compose(v -> conn.preparedQuery("SELECT " + RULE + " FROM risk.rules WHERE name = $1"
                                        + " ORDER BY version DESC LIMIT 1")
                                .execute(Tuple.of(name)))
                        .compose(prev -> {
                            JsonObject before = prev.size() == 0
                                    ? null
                                    : prev.iterator().next().getJsonObject(0);
                            int version = before == null ? 1 : before.getInteger("version") + 1;
                            return conn.preparedQuery("INSERT INTO risk.rules (name, version, expression, action,"
                                            + " reason_code, priority, state, changed_by, score_adjustment) VALUES ($1,"
                                            + " $2, $3, $4, $5, $6, $7, $8, $9) RETURNING " + RULE)
                                    .execute(Tuple.of(
                                                    name,
                                                    version,
                                                    rule.expression(),
                                                    rule.action().name(),
                                                    rule.reasonCode(),
                                                    rule.priority(),
                                                    rule.state().wire(),
                                                    actor)
                                            .addDouble(rule.scoreAdjustment()))
                                    .compose(rows -> {
                                        JsonObject after =
                                                rows.iterator().next().getJsonObject(0);
                                        return ChangeLog.record(
                                                        conn,
                                                        actor,
                                                        "rule",
                                                        name,
                                                        before == null ? "add" : "change",
                                                        before,
                                                        after)
                                                .map(after);
                                    });
                        })),
                b -> b.getInteger("version") == 1 ? 201 : 200);
    }

    /** The recorded decisions of a time range, with the names of their features and their labels. */
    private static final String HISTORY = "SELECT d.transaction_id, d.card_id, d.terminal_id, d.amount, d.currency,"
            + " d.event_time, d.customer_id, d.device_id, host(d.ip_address) AS ip, d.mcc, d.country, d.channel, d.score,"
            + " d.review_threshold, d.decline_threshold, d.decision, d.feature_values, s.names, l.fraud"
            + " FROM audit.decisions d"
            + " LEFT JOIN audit.feature_sets s ON s.key = d.feature_set"
            + " LEFT JOIN audit.labels l ON l.transaction_id = d.transaction_id AND l.client = d.client"
            + " WHERE d.event_time >= $1 AND d.event_time < $2 AND NOT d.degraded";

    private static final long MAX_BACKTEST_DAYS = 31;

    /**
     * Tries a rule or new thresholds on the decisions of a range of event times (at most 31 days), streamed from
     * PostgreSQL: how many would have changed and how, and precision and recall against the labels known.
     */
    private void backtest(RoutingContext ctx) {
        Backtest test;
        OffsetDateTime from;
        OffsetDateTime to;
        try {
            JsonObject b = ApiBodies.jsonObject(ctx);
            from = time(b.getString("from"), "from");
            to = time(b.getString("to"), "to");
            if (!to.isAfter(from) || to.isAfter(from.plusDays(MAX_BACKTEST_DAYS))) {
                throw new ValidationException("to", "range", "to must be after from, at most 31 days later");
            }
            JsonObject rule = b.getJsonObject("rule");
            JsonObject thresholds = b.getJsonObject("thresholds");
            if ((rule == null) == (thresholds == null)) {
                throw new ValidationException("rule", "one_of", "give a rule or thresholds to try");
            }
            if (rule != null) {
                String expression = rule.getString("expression");
                if (expression == null || expression.isBlank()) {
                    throw new ValidationException("rule.expression", "required", "the rule's expression is required");
                }
                RiskRules.Action action = parse(
                        RiskRules.Action.class,
                        rule.getString("action"),
                        "rule.action",
                        "APPROVE, REVIEW, DECLINE or NONE");
                String code = rule.getString("reasonCode", "BACKTEST");
                double adjustment = scoreAdjustment(rule, "rule.", action);
                try {
                    test = Backtest.ofRule(new RiskRules.Rule(
                            "backtest", 0, expression, action, code, 0, RiskRules.State.ACTIVE, adjustment));
                } catch (RiskRules.InvalidRule e) {
                    HttpErrors.respond(
                            ctx,
                            Failure.RULE_INVALID.exception(
                                    "line " + e.line() + ", column " + e.column() + ": " + e.getMessage()));
                    return;
                }
            } else {
                Double review = thresholds.getDouble("review");
                Double decline = thresholds.getDouble("decline");
                if (review == null || decline == null || review < 0 || review > decline || decline > 1) {
                    throw new ValidationException("thresholds", "range", "0 <= review <= decline <= 1 are required");
                }
                test = Backtest.ofThresholds(new Thresholds(review, decline));
            }
        } catch (ValidationException e) {
            HttpErrors.respond(ctx, e);
            return;
        } catch (ClassCastException e) {
            HttpErrors.respond(
                    ctx,
                    new ValidationException(
                            "body", "type", "from and to are strings, rule and" + " thresholds objects"));
            return;
        }
        long t0 = System.nanoTime();
        pool.withTransaction(conn -> conn.prepare(HISTORY).compose(ps -> {
                    Promise<Void> done = Promise.promise();
                    RowStream<Row> stream = ps.createStream(1000, Tuple.of(from, to));
                    stream.exceptionHandler(done::tryFail);
                    stream.endHandler(v -> done.tryComplete());
                    stream.handler(r -> test.add(row(r)));
                    return done.future();
                }))
                .onSuccess(v -> ctx.json(test.result()
                        .put("from", from.toString())
                        .put("to", to.toString())
                        .put("tookMs", (System.nanoTime() - t0) / 1_000_000)))
                .onFailure(e -> HttpErrors.respond(ctx, ApiBodies.storeFailure(e, "risk store")));
    }

    private static Backtest.Row row(Row r) {
        String[] names = r.getArrayOfStrings("names");
        Float[] values = r.getArrayOfFloats("feature_values");
        float[] stored = null;
        if (values != null) {
            stored = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                stored[i] = values[i] == null ? Float.NaN : values[i];
            }
        }
        Float score = r.getFloat("score");
        return new Backtest.Row(
                Backtest.transaction(
                        r.getString("transaction_id"),
                        r.getString("card_id"),
                        r.getString("terminal_id"),
                        r.getBigDecimal("amount"),
                        r.getString("currency"),
                        r.getOffsetDateTime("event_time"),
                        r.getString("customer_id"),
                        r.getString("device_id"),
                        r.getString("ip"),
                        r.getString("mcc"),
                        r.getString("country"),
                        r.getString("channel")),
                Backtest.features(names == null ? null : List.of(names), stored),
                score == null ? Double.NaN : score,
                new Thresholds(r.getDouble("review_threshold"), r.getDouble("decline_threshold")),
                Outcome.valueOf(r.getString("decision")),
                r.getBoolean("fraud"));
    }

    /**
     * A rule's {@code scoreAdjustment} (default 0): a finite number -1..1, and not 0 only for a rule with action NONE
     * (a rule with an action sets the outcome itself). {@code prefix}: where the rule is in the body, for the error.
     */
    private static double scoreAdjustment(JsonObject rule, String prefix, RiskRules.Action action) {
        Object v = rule.getValue("scoreAdjustment", 0);
        if (!(v instanceof Number n) || !(n.doubleValue() >= -1 && n.doubleValue() <= 1)) {
            throw new ValidationException(
                    prefix + "scoreAdjustment",
                    "range",
                    "scoreAdjustment is a number -1..1 added to the model's score");
        }
        double adjustment = n.doubleValue();
        if (adjustment != 0 && action != RiskRules.Action.NONE) {
            throw new ValidationException(
                    prefix + "scoreAdjustment",
                    "action_none",
                    "only a rule with action NONE adjusts the score (a rule with an action sets the outcome)");
        }
        return adjustment;
    }

    private static OffsetDateTime time(String s, String field) {
        if (s == null) {
            throw new ValidationException(field, "required", field + " is required (ISO-8601 with an offset)");
        }
        try {
            return OffsetDateTime.parse(s);
        } catch (DateTimeParseException e) {
            throw new ValidationException(field, "iso8601", field + " must be an ISO-8601 date-time with an offset");
        }
    }

    private static Future<RowSet<Row>> insert(SqlConnection conn, List<NewEntry> entries, String actor) {
        String[] lists = new String[entries.size()];
        String[] kinds = new String[entries.size()];
        String[] values = new String[entries.size()];
        String[] reasons = new String[entries.size()];
        String[] expires = new String[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            NewEntry e = entries.get(i);
            lists[i] = e.list().wire();
            kinds[i] = e.kind().wire();
            values[i] = e.value();
            reasons[i] = e.reason();
            expires[i] = e.expiresAt() == null ? null : e.expiresAt().toString();
        }
        // an expired entry is no longer in force: retired first (removed at its expiry, by "expiry"), so that the same
        // value can be listed again
        return conn.preparedQuery(RETIRE_EXPIRED)
                .execute(Tuple.tuple()
                        .addArrayOfString(lists)
                        .addArrayOfString(kinds)
                        .addArrayOfString(values))
                .compose(retired -> conn.preparedQuery(INSERT)
                        .execute(Tuple.tuple()
                                .addArrayOfString(lists)
                                .addArrayOfString(kinds)
                                .addArrayOfString(values)
                                .addArrayOfString(reasons)
                                .addString(actor)
                                .addArrayOfString(expires)));
    }

    private static Future<Void> change(
            SqlConnection conn, String actor, long id, String action, JsonObject before, JsonObject after) {
        return ChangeLog.record(
                conn, actor, "list_entry", id == 0 ? "import" : Long.toString(id), action, before, after);
    }

    private static String actor(RoutingContext ctx) {
        return ctx.<ApiKeys.Client>get(Access.CLIENT).name();
    }

    private static ValidationException invalidBody(Exception e) {
        return new ValidationException("body", "type_string", "list, kind, value, reason and expiresAt are strings");
    }
}
