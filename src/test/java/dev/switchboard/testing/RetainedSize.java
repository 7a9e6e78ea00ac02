package dev.switchboard.testing;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Test helper: how much an object keeps, as a count of everything reachable from it — one per
 * object, plus the length of every array and string and the size of every collection. Two counts
 * taken at different points of a stream are equal exactly when no buffer, list or map grew.
 * Walks Switchboard's own classes (and the event-stream decoder's) by reflection, JDK collections
 * through their API, and counts a byte buffer by its capacity.
 */
public final class RetainedSize {
    private RetainedSize() {
    }

    public static long of(Object root) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        long size = 0;
        while (!todo.isEmpty()) {
            Object o = todo.pop();
            if (!seen.add(o)) {
                continue;
            }
            size++;
            Class<?> type = o.getClass();
            if (type.isArray()) {
                int length = Array.getLength(o);
                size += length;
                if (!type.getComponentType().isPrimitive()) {
                    for (int i = 0; i < length; i++) {
                        push(todo, Array.get(o, i));
                    }
                }
            } else if (o instanceof CharSequence text) {
                size += text.length();
            } else if (o instanceof Collection<?> collection) {
                size += collection.size();
                collection.forEach(e -> push(todo, e));
            } else if (o instanceof Map<?, ?> map) {
                size += map.size();
                map.forEach((k, v) -> {
                    push(todo, k);
                    push(todo, v);
                });
            } else if (o instanceof java.nio.ByteBuffer buffer) {
                size += buffer.capacity();
            } else if (type.getName().startsWith("dev.switchboard.") || type.getName().startsWith("software.amazon.eventstream.")) {
                for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                    for (Field f : c.getDeclaredFields()) {
                        if (!Modifier.isStatic(f.getModifiers()) && !f.getType().isPrimitive()) {
                            push(todo, read(f, o));
                        }
                    }
                }
            }
            // other JDK objects (boxed numbers, atomics) count as one
        }
        return size;
    }

    private static void push(Deque<Object> todo, Object o) {
        if (o != null) {
            todo.push(o);
        }
    }

    private static Object read(Field f, Object o) {
        try {
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + f, e);
        }
    }
}
