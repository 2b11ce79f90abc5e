package dev.harbormaster.cel;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelValue;
import dev.cel.common.values.SelectableValue;
import java.util.AbstractCollection;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Read-only views of JSON maps and lists that cel-java's planner takes as they are. The planner
 * passes every value it reads through {@code CelValueConverter.toRuntimeValue}, which walks a plain
 * {@link Map} or {@link List} to its last leaf (the whole object on every {@code object.…} read) and
 * stops at a {@link CelValue}; a view is a CelValue and still a Map or List to every function, and
 * it wraps what it hands out, one level at a time, so a read costs one small object per step.
 * Equal to the plain map or list it shows, both ways.
 */
public final class CelViews {

    private static final CelType MAP_TYPE = MapType.create(SimpleType.DYN, SimpleType.DYN);
    private static final CelType LIST_TYPE = ListType.create(SimpleType.DYN);

    private CelViews() {
    }

    /** The value as the planner should see it: a map or list as a view, anything else as it is. */
    @SuppressWarnings("unchecked")
    public static Object of(Object value) {
        if (value instanceof CelValue) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return new MapView((Map<Object, Object>) map);
        }
        if (value instanceof List<?> list) {
            return new ListView((List<Object>) list);
        }
        return value;
    }

    /** A JSON object: its values are views in turn. */
    public static final class MapView extends CelValue implements Map<Object, Object>, SelectableValue<Object> {
        private final Map<Object, Object> map;

        MapView(Map<Object, Object> map) {
            this.map = map;
        }

        @Override
        public Object value() {
            return this;
        }

        @Override
        public boolean isZeroValue() {
            return map.isEmpty();
        }

        @Override
        public CelType celType() {
            return MAP_TYPE;
        }

        /** {@code m.f}: the planner's field read; a missing key fails as CEL's map selection does. */
        @Override
        public Object select(Object field) {
            Object value = map.get(field);
            if (value == null && !map.containsKey(field)) {
                throw dev.cel.common.exceptions.CelAttributeNotFoundException.forMissingMapKey(String.valueOf(field));
            }
            return of(value);
        }

        @Override
        public Optional<?> find(Object field) {
            Object value = map.get(field);
            return value == null && !map.containsKey(field) ? Optional.empty() : Optional.of(of(value));
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public boolean containsKey(Object key) {
            return map.containsKey(key);
        }

        @Override
        public boolean containsValue(Object value) {
            return map.containsValue(value);
        }

        @Override
        public Object get(Object key) {
            return of(map.get(key));
        }

        @Override
        public Set<Object> keySet() {
            return java.util.Collections.unmodifiableSet(map.keySet());
        }

        @Override
        public Collection<Object> values() {
            return new AbstractCollection<>() {
                @Override
                public Iterator<Object> iterator() {
                    return viewing(map.values().iterator());
                }

                @Override
                public int size() {
                    return map.size();
                }
            };
        }

        @Override
        public Set<Entry<Object, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<Object, Object>> iterator() {
                    Iterator<Entry<Object, Object>> entries = map.entrySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return entries.hasNext();
                        }

                        @Override
                        public Entry<Object, Object> next() {
                            Entry<Object, Object> entry = entries.next();
                            return Map.entry(entry.getKey(), of(entry.getValue()));
                        }
                    };
                }

                @Override
                public int size() {
                    return map.size();
                }
            };
        }

        @Override
        public Object put(Object key, Object value) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public Object remove(Object key) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public void putAll(Map<?, ?> other) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public void clear() {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public boolean equals(Object other) {
            return other == this || map.equals(other instanceof MapView view ? view.map : other);
        }

        @Override
        public int hashCode() {
            return map.hashCode();
        }

        @Override
        public String toString() {
            return map.toString();
        }
    }

    /** A JSON array: its elements are views in turn. */
    public static final class ListView extends CelValue implements List<Object>, RandomAccess {
        private final List<Object> list;

        ListView(List<Object> list) {
            this.list = list;
        }

        @Override
        public Object value() {
            return this;
        }

        @Override
        public boolean isZeroValue() {
            return list.isEmpty();
        }

        @Override
        public CelType celType() {
            return LIST_TYPE;
        }

        @Override
        public int size() {
            return list.size();
        }

        @Override
        public boolean isEmpty() {
            return list.isEmpty();
        }

        @Override
        public Object get(int index) {
            return of(list.get(index));
        }

        @Override
        public boolean contains(Object value) {
            return list.contains(value);
        }

        @Override
        public boolean containsAll(Collection<?> values) {
            return list.containsAll(values);
        }

        @Override
        public int indexOf(Object value) {
            return list.indexOf(value);
        }

        @Override
        public int lastIndexOf(Object value) {
            return list.lastIndexOf(value);
        }

        @Override
        public Iterator<Object> iterator() {
            return viewing(list.iterator());
        }

        @Override
        public ListIterator<Object> listIterator() {
            return java.util.Collections.unmodifiableList(new java.util.AbstractList<Object>() {
                @Override
                public Object get(int index) {
                    return ListView.this.get(index);
                }

                @Override
                public int size() {
                    return list.size();
                }
            }).listIterator();
        }

        @Override
        public ListIterator<Object> listIterator(int index) {
            ListIterator<Object> iterator = listIterator();
            for (int i = 0; i < index; i++) {
                iterator.next();
            }
            return iterator;
        }

        @Override
        public List<Object> subList(int from, int to) {
            return new ListView(list.subList(from, to));
        }

        @Override
        public Object[] toArray() {
            Object[] values = new Object[list.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = get(i);
            }
            return values;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T[] toArray(T[] array) {
            Object[] values = toArray();
            T[] out = array.length >= values.length ? array : (T[]) java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), values.length);
            System.arraycopy(values, 0, out, 0, values.length);
            if (out.length > values.length) {
                out[values.length] = null;
            }
            return out;
        }

        @Override
        public boolean add(Object value) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public void add(int index, Object value) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public boolean addAll(Collection<?> values) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public boolean addAll(int index, Collection<?> values) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public Object set(int index, Object value) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public Object remove(int index) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public boolean remove(Object value) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public boolean removeAll(Collection<?> values) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public boolean retainAll(Collection<?> values) {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public void clear() {
            throw new UnsupportedOperationException("a view of the request is read-only");
        }

        @Override
        public boolean equals(Object other) {
            return other == this || list.equals(other instanceof ListView view ? view.list : other);
        }

        @Override
        public int hashCode() {
            return list.hashCode();
        }

        @Override
        public String toString() {
            return list.toString();
        }
    }

    private static Iterator<Object> viewing(Iterator<Object> values) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return values.hasNext();
            }

            @Override
            public Object next() {
                return of(values.next());
            }
        };
    }
}
