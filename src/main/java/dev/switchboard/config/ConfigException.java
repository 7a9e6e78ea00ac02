package dev.switchboard.config;

/**
 * A configuration problem, told the way an operator can fix it:
 * {@code switchboard.yaml:12: providers[0].protocol: expected one of ... (got "opnai")}.
 */
public final class ConfigException extends RuntimeException {
    private final String file;
    private final int line;
    private final String field;
    private final String problem;

    public ConfigException(String file, int line, String field, String problem) {
        super(format(file, line, field, problem));
        this.file = file;
        this.line = line;
        this.field = field;
        this.problem = problem;
    }

    public ConfigException(Origin origin, String field, String problem) {
        this(origin.file(), origin.line(), field, problem);
    }

    private static String format(String file, int line, String field, String problem) {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line);
        }
        s.append(": ");
        if (field != null && !field.isEmpty()) {
            s.append(field).append(": ");
        }
        return s.append(problem).toString();
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
