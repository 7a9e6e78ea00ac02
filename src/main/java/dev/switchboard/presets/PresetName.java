package dev.switchboard.presets;

import dev.switchboard.protocol.InvalidRequestException;

import java.util.regex.Pattern;

/** A preset's name, its slug in {@code @preset/NAME}: lowercase letters, digits, {@code -} and {@code _}, up to 64. */
public final class PresetName {
    public static final int MAX_LENGTH = 64;
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9_-]{0," + (MAX_LENGTH - 1) + "}");

    private PresetName() {
    }

    public static boolean valid(String name) {
        return name != null && SLUG.matcher(name).matches();
    }

    /** {@code name} when it is a valid slug; otherwise a 400 naming {@code param}. */
    public static String require(String name, String param) {
        if (!valid(name)) {
            throw new InvalidRequestException(param, param + ": \"" + shortened(name) + "\" is not a preset name (1 to "
                    + MAX_LENGTH + " lowercase letters, digits, - or _, starting with a letter or digit)");
        }
        return name;
    }

    static String shortened(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
