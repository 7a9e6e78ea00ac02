package dev.switchboard.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.switchboard.store.ActivityRow;
import dev.switchboard.store.EndpointHistograms;
import dev.switchboard.store.EndpointMinute;
import dev.switchboard.store.GenerationRecord;
import dev.switchboard.store.KeyRecord;
import dev.switchboard.store.LimitReset;
import dev.switchboard.store.PresetStore;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.StoredResponse;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store over JDBC, with the SQL both databases share. Subclasses add what differs: how old
 * ledger days are removed and how the ledger is partitioned.
 */
abstract class JdbcStore implements Store {
    private static final String KEY_COLUMNS = "hash, name, label, role, limit_pico, limit_reset, expires_at, "
            + "requests_per_minute, tokens_per_minute, disabled, usage_pico, created_at, updated_at";
    protected static final String GENERATION_COLUMNS = "id, day, created_at, key_hash, model, provider_id, provider_name, "
            + "upstream_id, app, app_url, external_user, tokens_prompt, tokens_completion, tokens_cached, "
            + "tokens_cache_write, tokens_reasoning, usage_estimated, cost_pico, latency_ms, generation_time_ms, "
            + "streamed, cancelled, finish_reason, attempts, max_tokens_requested, max_tokens, dropped_tools";

    /** Set-aside ledger rows are kept as JSON, with the record's own field names. */
    private static final ObjectMapper REJECT_JSON = JsonMapper.builder().build();

    protected final HikariDataSource dataSource;
    private final JdbcPresets presets = new JdbcPresets(this);

    JdbcStore(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public PresetStore presets() {
        return presets;
    }

    @Override
    public List<KeyRecord> keys() {
        return query("listing keys", "SELECT " + KEY_COLUMNS + " FROM api_keys ORDER BY created_at", s -> {
        }, JdbcStore::key);
    }

    @Override
    public Optional<KeyRecord> key(String hash) {
        return query("reading a key", "SELECT " + KEY_COLUMNS + " FROM api_keys WHERE hash = ?",
                s -> s.setString(1, hash), JdbcStore::key).stream().findFirst();
    }

    @Override
    public void insertKey(KeyRecord k) {
        update("creating a key", "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                s -> bindKey(s, k));
    }

    private static void bindKey(PreparedStatement s, KeyRecord k) throws SQLException {
        s.setString(1, k.hash());
        s.setString(2, k.name());
        s.setString(3, k.label());
        s.setString(4, k.role().name());
        setLong(s, 5, k.limitPico());
        s.setString(6, k.limitReset() == null ? null : k.limitReset().slug());
        setLong(s, 7, k.expiresAt());
        setInt(s, 8, k.requestsPerMinute());
        setLong(s, 9, k.tokensPerMinute());
        s.setBoolean(10, k.disabled());
        s.setLong(11, k.usagePico());
        s.setLong(12, k.createdAt());
        s.setLong(13, k.updatedAt());
    }

    @Override
    public boolean updateKey(KeyRecord k) {
        return update("updating a key", "UPDATE api_keys SET name = ?, limit_pico = ?, limit_reset = ?, expires_at = ?, "
                + "requests_per_minute = ?, tokens_per_minute = ?, disabled = ?, updated_at = ? WHERE hash = ?", s -> {
            s.setString(1, k.name());
            setLong(s, 2, k.limitPico());
            s.setString(3, k.limitReset() == null ? null : k.limitReset().slug());
            setLong(s, 4, k.expiresAt());
            setInt(s, 5, k.requestsPerMinute());
            setLong(s, 6, k.tokensPerMinute());
            s.setBoolean(7, k.disabled());
            s.setLong(8, k.updatedAt());
            s.setString(9, k.hash());
        }) > 0;
    }

    @Override
    public boolean deleteKey(String hash) {
        return update("deleting a key", "DELETE FROM api_keys WHERE hash = ?", s -> s.setString(1, hash)) > 0;
    }

    @Override
    public void appendGenerations(List<GenerationRecord> batch) {
        if (batch.isEmpty()) {
            return;
        }
        inTransaction("writing the ledger", c -> {
            // a batch may come again after a commit whose acknowledgement was lost (the ledger retries):
            // rows already stored are skipped and their cost is not added twice
            Map<String, Long> usageByKey = new LinkedHashMap<>();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO generations (" + GENERATION_COLUMNS
                    + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
                for (GenerationRecord g : batch) {
                    bindGeneration(insert, g);
                    insert.addBatch();
                }
                int[] inserted = insert.executeBatch();
                for (int i = 0; i < batch.size(); i++) {
                    if (inserted[i] != 0) {
                        usageByKey.merge(batch.get(i).keyHash(), batch.get(i).costPico(), Long::sum);
                    }
                }
            }
            try (PreparedStatement usage = c.prepareStatement(
                    "UPDATE api_keys SET usage_pico = usage_pico + ? WHERE hash = ?")) {
                for (Map.Entry<String, Long> e : usageByKey.entrySet()) {
                    usage.setLong(1, e.getValue());
                    usage.setString(2, e.getKey());
                    usage.addBatch();
                }
                usage.executeBatch();
            }
            return null;
        });
    }

    @Override
    public void setAsideGeneration(GenerationRecord row, String reason) {
        String json;
        try {
            json = REJECT_JSON.writeValueAsString(row);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a ledger row is always serializable", e);
        }
        update("setting aside a ledger row", "INSERT INTO ledger_rejects (set_aside_at, generation_id, reason, row_json) "
                + "VALUES (?,?,?,?)", s -> {
            s.setLong(1, System.currentTimeMillis());
            s.setString(2, row.id());
            s.setString(3, reason);
            s.setString(4, json);
        });
    }

    @Override
    public Optional<GenerationRecord> generation(String id) {
        return query("reading a generation", "SELECT " + GENERATION_COLUMNS + " FROM generations WHERE id = ?",
                s -> s.setString(1, id), JdbcStore::generation).stream().findFirst();
    }

    @Override
    public Map<String, Long> usageSince(long fromMillis) {
        Map<String, Long> usage = new HashMap<>();
        query("summing usage", "SELECT key_hash, SUM(cost_pico) FROM generations WHERE day >= ? AND created_at >= ? "
                + "GROUP BY key_hash", s -> {
            s.setLong(1, Math.floorDiv(fromMillis, 86_400_000L));
            s.setLong(2, fromMillis);
        }, r -> usage.put(r.getString(1), r.getLong(2)));
        return usage;
    }

    @Override
    public List<ActivityRow> activity(long fromDay, long toDay, String keyHash) {
        String sql = "SELECT day, model, provider_id, provider_name, COALESCE(app, ''), COUNT(*), SUM(tokens_prompt), "
                + "SUM(tokens_completion), SUM(tokens_reasoning), SUM(cost_pico) FROM generations "
                + "WHERE day >= ? AND day <= ?" + (keyHash == null ? "" : " AND key_hash = ?")
                + " GROUP BY day, model, provider_id, provider_name, COALESCE(app, '') ORDER BY day, model, provider_id";
        return query("reading activity", sql, s -> {
            s.setLong(1, fromDay);
            s.setLong(2, toDay);
            if (keyHash != null) {
                s.setString(3, keyHash);
            }
        }, r -> new ActivityRow(r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
                r.getString(5).isEmpty() ? null : r.getString(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getLong(9),
                r.getLong(10)));
    }

    @Override
    public void addEndpointMinutes(List<EndpointMinute> rows) {
        batch("writing endpoint stats", "INSERT INTO endpoint_minutes (minute, model, provider_id, successes, errors, "
                + "rate_limited, cancelled) VALUES (?,?,?,?,?,?,?) ON CONFLICT (minute, model, provider_id) DO UPDATE SET "
                + "successes = endpoint_minutes.successes + excluded.successes, "
                + "errors = endpoint_minutes.errors + excluded.errors, "
                + "rate_limited = endpoint_minutes.rate_limited + excluded.rate_limited, "
                + "cancelled = endpoint_minutes.cancelled + excluded.cancelled", rows, (s, m) -> {
            s.setLong(1, m.minute());
            s.setString(2, m.model());
            s.setString(3, m.providerId());
            s.setLong(4, m.successes());
            s.setLong(5, m.errors());
            s.setLong(6, m.rateLimited());
            s.setLong(7, m.cancelled());
        });
    }

    @Override
    public void putEndpointHistograms(List<EndpointHistograms> rows) {
        batch("writing endpoint histograms", "INSERT INTO endpoint_histograms (minute, model, provider_id, node, latency_ms, "
                + "tokens_per_second) VALUES (?,?,?,?,?,?) ON CONFLICT (minute, model, provider_id, node) DO UPDATE SET "
                + "latency_ms = excluded.latency_ms, tokens_per_second = excluded.tokens_per_second", rows, (s, h) -> {
            s.setLong(1, h.minute());
            s.setString(2, h.model());
            s.setString(3, h.providerId());
            s.setString(4, h.node());
            s.setBytes(5, h.latencyMs());
            s.setBytes(6, h.tokensPerSecond());
        });
    }

    @Override
    public List<EndpointMinute> endpointMinutes(long fromMinute) {
        return query("reading endpoint stats", "SELECT minute, model, provider_id, successes, errors, rate_limited, cancelled "
                + "FROM endpoint_minutes WHERE minute >= ? ORDER BY minute", s -> s.setLong(1, fromMinute), JdbcStore::minute);
    }

    @Override
    public List<EndpointMinute> endpointHours(long fromMinute) {
        // minute - minute % 60: the hour's first minute, the same integer arithmetic in both databases
        return query("reading endpoint stats by hour", "SELECT minute - minute % 60 AS hour, model, provider_id, "
                + "SUM(successes), SUM(errors), SUM(rate_limited), SUM(cancelled) FROM endpoint_minutes WHERE minute >= ? "
                + "GROUP BY minute - minute % 60, model, provider_id ORDER BY hour", s -> s.setLong(1, fromMinute),
                JdbcStore::minute);
    }

    @Override
    public List<EndpointHistograms> endpointHistograms(long fromMinute) {
        return query("reading endpoint histograms", "SELECT minute, model, provider_id, node, latency_ms, tokens_per_second "
                + "FROM endpoint_histograms WHERE minute >= ? ORDER BY minute", s -> s.setLong(1, fromMinute),
                r -> new EndpointHistograms(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getBytes(5),
                        r.getBytes(6)));
    }

    @Override
    public void deleteEndpointStatsBefore(long countsBefore, long histogramsBefore) {
        update("removing old endpoint stats", "DELETE FROM endpoint_minutes WHERE minute < ?", s -> s.setLong(1, countsBefore));
        update("removing old endpoint histograms", "DELETE FROM endpoint_histograms WHERE minute < ?",
                s -> s.setLong(1, histogramsBefore));
    }

    private static EndpointMinute minute(ResultSet r) throws SQLException {
        return new EndpointMinute(r.getLong(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5), r.getLong(6),
                r.getLong(7));
    }

    @Override
    public void putResponse(StoredResponse r) {
        update("keeping a response", "INSERT INTO responses (id, key_hash, created_at, previous_response_id, input_items, "
                + "context, response) VALUES (?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET response = excluded.response", s -> {
            s.setString(1, r.id());
            s.setString(2, r.keyHash());
            s.setLong(3, r.createdAt());
            s.setString(4, r.previousResponseId());
            s.setString(5, r.inputItems());
            s.setString(6, r.context());
            s.setString(7, r.response());
        });
    }

    @Override
    public Optional<StoredResponse> response(String id) {
        return query("reading a response", "SELECT id, key_hash, created_at, previous_response_id, input_items, context, "
                + "response FROM responses WHERE id = ?", s -> s.setString(1, id), r -> new StoredResponse(r.getString(1),
                r.getString(2), r.getLong(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7)))
                .stream().findFirst();
    }

    @Override
    public boolean deleteResponse(String id, String keyHash) {
        return update("deleting a response", "DELETE FROM responses WHERE id = ? AND key_hash = ?", s -> {
            s.setString(1, id);
            s.setString(2, keyHash);
        }) > 0;
    }

    @Override
    public long deleteResponsesBefore(long beforeMillis) {
        return update("removing old responses", "DELETE FROM responses WHERE created_at < ?", s -> s.setLong(1, beforeMillis));
    }

    @Override
    public Optional<String> meta(String name) {
        return query("reading a setting", "SELECT value FROM meta WHERE name = ?", s -> s.setString(1, name),
                r -> r.getString(1)).stream().findFirst();
    }

    @Override
    public void putMeta(String name, String value) {
        update("writing a setting", "INSERT INTO meta (name, value) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value", s -> {
            s.setString(1, name);
            s.setString(2, value);
        });
    }

    @Override
    public boolean insertKeysOnce(String name, String value, List<KeyRecord> keys) {
        return inTransaction("creating the first keys", c -> {
            // the insert that wins the meta row decides; a concurrent one waits for its commit and inserts nothing
            try (PreparedStatement claim = c.prepareStatement(
                    "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                claim.setString(1, name);
                claim.setString(2, value);
                if (claim.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (KeyRecord k : keys) {
                    bindKey(insert, k);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return true;
        });
    }

    /** Deletes ledger rows of old days in bounded chunks, so no statement holds the table for long. */
    protected long deleteInChunks(String table, String chunkDeleteSql, long day) {
        long removed = 0;
        while (true) {
            int n = update("removing old ledger rows from " + table, chunkDeleteSql, s -> s.setLong(1, day));
            removed += n;
            if (n < RETENTION_CHUNK) {
                return removed;
            }
        }
    }

    static final int RETENTION_CHUNK = 5_000;

    @Override
    public void close() {
        dataSource.close();
    }

    // ---- mapping ----

    private static KeyRecord key(ResultSet r) throws SQLException {
        String reset = r.getString(6);
        return new KeyRecord(r.getString(1), r.getString(2), r.getString(3), KeyRecord.Role.valueOf(r.getString(4)),
                getLong(r, 5), reset == null ? null : LimitReset.fromSlug(reset).orElse(null), getLong(r, 7),
                getInt(r, 8), getLong(r, 9), r.getBoolean(10), r.getLong(11), r.getLong(12), r.getLong(13));
    }

    private static void bindGeneration(PreparedStatement s, GenerationRecord g) throws SQLException {
        s.setString(1, g.id());
        s.setLong(2, g.day());
        s.setLong(3, g.createdAt());
        s.setString(4, g.keyHash());
        s.setString(5, g.model());
        s.setString(6, g.providerId());
        s.setString(7, g.providerName());
        s.setString(8, g.upstreamId());
        s.setString(9, g.app());
        s.setString(10, g.appUrl());
        s.setString(11, g.externalUser());
        s.setLong(12, g.tokensPrompt());
        s.setLong(13, g.tokensCompletion());
        s.setLong(14, g.tokensCached());
        s.setLong(15, g.tokensCacheWrite());
        s.setLong(16, g.tokensReasoning());
        s.setBoolean(17, g.usageEstimated());
        s.setLong(18, g.costPico());
        setLong(s, 19, g.latencyMs());
        setLong(s, 20, g.generationTimeMs());
        s.setBoolean(21, g.streamed());
        s.setBoolean(22, g.cancelled());
        s.setString(23, g.finishReason());
        s.setInt(24, g.attempts());
        setLong(s, 25, g.maxTokensRequested());
        setLong(s, 26, g.maxTokens());
        s.setString(27, g.droppedTools());
    }

    protected static GenerationRecord generation(ResultSet r) throws SQLException {
        return new GenerationRecord(r.getString(1), r.getLong(3), r.getString(4), r.getString(5), r.getString(6),
                r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getString(11), r.getLong(12),
                r.getLong(13), r.getLong(14), r.getLong(15), r.getLong(16), r.getBoolean(17), r.getLong(18),
                getLong(r, 19), getLong(r, 20), r.getBoolean(21), r.getBoolean(22), r.getString(23), r.getInt(24),
                getLong(r, 25), getLong(r, 26), r.getString(27));
    }

    // ---- a small JDBC helper ----

    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    interface Mapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    interface RowBinder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    protected <T> List<T> query(String what, String sql, Binder binder, Mapper<T> mapper) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            try (ResultSet r = s.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (r.next()) {
                    rows.add(mapper.map(r));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    protected int update(String what, String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** One statement run for every row, in one transaction. */
    protected <T> void batch(String what, String sql, List<T> rows, RowBinder<T> binder) {
        if (rows.isEmpty()) {
            return;
        }
        inTransaction(what, c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (T row : rows) {
                    binder.bind(s, row);
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    protected <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /**
     * The exception to throw for a failed operation. Its message never carries the statement: a
     * failed JDBC batch names the SQL with the row's values (user ids, app names), and this message
     * is logged; the database's own reason (first line, no detail) is enough to tell what failed.
     */
    private StoreException failure(String what, SQLException e) {
        SQLException reason = e;
        if (e instanceof BatchUpdateException) {
            reason = e.getNextException() != null ? e.getNextException()
                    : e.getCause() instanceof SQLException cause ? cause : null;
        }
        String state = reason != null && errorCode(reason) != null ? errorCode(reason) : errorCode(e);
        String message = reason == null ? "a batch statement failed (SQLState " + state + ")" : firstLine(reason.getMessage());
        return new StoreException("store failed while " + what + ": " + message, e, state, dataRefused(e));
    }

    /** The database's code for an error: its SQLState. */
    protected String errorCode(SQLException e) {
        return e.getSQLState();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no reason given)";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /**
     * True when the database refused the values themselves (SQLState class 22, data exception, or
     * 23, integrity constraint): the same rows would fail again, unlike a lost connection.
     */
    protected boolean dataRefused(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String state = x.getSQLState();
            if (x instanceof SQLDataException || x instanceof SQLIntegrityConstraintViolationException
                    || state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value);
        }
    }

    private static void setInt(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }

    private static Long getLong(ResultSet r, int index) throws SQLException {
        long value = r.getLong(index);
        return r.wasNull() ? null : value;
    }

    private static Integer getInt(ResultSet r, int index) throws SQLException {
        int value = r.getInt(index);
        return r.wasNull() ? null : value;
    }
}
