package dev.switchboard.store.jdbc;

import dev.switchboard.store.PresetRecord;
import dev.switchboard.store.PresetStore;
import dev.switchboard.store.PresetVersion;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Presets over JDBC, the same SQL on SQLite and PostgreSQL; versions are rows never changed once written. */
final class JdbcPresets implements PresetStore {
    private static final String PRESET_WITH_LATEST = "SELECT p.name, p.created_at, p.updated_at, v.version, v.created_at, "
            + "v.system_prompt, v.config FROM presets p JOIN preset_versions v "
            + "ON v.name = p.name AND v.version = p.latest_version";
    private static final String VERSION_COLUMNS = "name, version, created_at, system_prompt, config";

    private final JdbcStore jdbc;

    JdbcPresets(JdbcStore jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<PresetRecord> presets() {
        return jdbc.query("listing presets", PRESET_WITH_LATEST + " ORDER BY p.name", s -> {
        }, JdbcPresets::preset);
    }

    @Override
    public Optional<PresetRecord> preset(String name) {
        return jdbc.query("reading a preset", PRESET_WITH_LATEST + " WHERE p.name = ?", s -> s.setString(1, name),
                JdbcPresets::preset).stream().findFirst();
    }

    @Override
    public Optional<PresetRecord> createPreset(String name, String systemPrompt, String config, long nowMillis) {
        boolean created = jdbc.inTransaction("creating a preset", c -> {
            try (PreparedStatement claim = c.prepareStatement("INSERT INTO presets (name, created_at, updated_at, "
                    + "latest_version) VALUES (?, ?, ?, 1) ON CONFLICT (name) DO NOTHING")) {
                claim.setString(1, name);
                claim.setLong(2, nowMillis);
                claim.setLong(3, nowMillis);
                if (claim.executeUpdate() == 0) {
                    return false;
                }
            }
            insertVersion(c.prepareStatement(insertVersionSql()), name, 1, nowMillis, systemPrompt, config);
            return true;
        });
        return created ? preset(name) : Optional.empty();
    }

    @Override
    public Optional<PresetRecord> addPresetVersion(String name, String systemPrompt, String config, long nowMillis) {
        // the UPDATE locks the preset's row (PostgreSQL) or the database (SQLite): two concurrent changes get
        // consecutive versions, never the same one
        Integer version = jdbc.inTransaction("adding a preset version", c -> {
            int next;
            try (PreparedStatement bump = c.prepareStatement("UPDATE presets SET latest_version = latest_version + 1, "
                    + "updated_at = ? WHERE name = ? RETURNING latest_version")) {
                bump.setLong(1, nowMillis);
                bump.setString(2, name);
                try (ResultSet r = bump.executeQuery()) {
                    if (!r.next()) {
                        return null;
                    }
                    next = r.getInt(1);
                }
            }
            insertVersion(c.prepareStatement(insertVersionSql()), name, next, nowMillis, systemPrompt, config);
            return next;
        });
        return version == null ? Optional.empty() : preset(name);
    }

    @Override
    public List<PresetVersion> presetVersions(String name) {
        return jdbc.query("listing preset versions", "SELECT " + VERSION_COLUMNS + " FROM preset_versions WHERE name = ? "
                + "ORDER BY version", s -> s.setString(1, name), JdbcPresets::version);
    }

    @Override
    public Optional<PresetVersion> presetVersion(String name, int version) {
        return jdbc.query("reading a preset version", "SELECT " + VERSION_COLUMNS + " FROM preset_versions "
                + "WHERE name = ? AND version = ?", s -> {
            s.setString(1, name);
            s.setInt(2, version);
        }, JdbcPresets::version).stream().findFirst();
    }

    @Override
    public boolean deletePreset(String name) {
        return jdbc.inTransaction("deleting a preset", c -> {
            try (PreparedStatement versions = c.prepareStatement("DELETE FROM preset_versions WHERE name = ?");
                 PreparedStatement preset = c.prepareStatement("DELETE FROM presets WHERE name = ?")) {
                versions.setString(1, name);
                versions.executeUpdate();
                preset.setString(1, name);
                return preset.executeUpdate() > 0;
            }
        });
    }

    private static String insertVersionSql() {
        return "INSERT INTO preset_versions (" + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?)";
    }

    private static void insertVersion(PreparedStatement insert, String name, int version, long nowMillis,
                                      String systemPrompt, String config) throws SQLException {
        try (insert) {
            insert.setString(1, name);
            insert.setInt(2, version);
            insert.setLong(3, nowMillis);
            insert.setString(4, systemPrompt);
            insert.setString(5, config);
            insert.executeUpdate();
        }
    }

    private static PresetRecord preset(ResultSet r) throws SQLException {
        String name = r.getString(1);
        return new PresetRecord(name, r.getLong(2), r.getLong(3),
                new PresetVersion(name, r.getInt(4), r.getLong(5), r.getString(6), r.getString(7)));
    }

    private static PresetVersion version(ResultSet r) throws SQLException {
        return new PresetVersion(r.getString(1), r.getInt(2), r.getLong(3), r.getString(4), r.getString(5));
    }
}
