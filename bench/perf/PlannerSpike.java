import dev.cel.bundle.*;
import dev.cel.common.*;
import dev.cel.common.types.*;
import dev.cel.common.values.*;
import dev.cel.extensions.*;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.*;
import dev.cel.common.ast.CelExpr;
import java.lang.management.ManagementFactory;
import java.util.*;

/**
 * The spike behind the planner change (#14): cel-java 0.14's legacy interpreter against its planner on the
 * same checked expressions over a three-container object, given as plain maps and lists and as CelValue
 * maps and lists (the planner walks the former to their last leaf on every read). Only cel-java on the
 * class path; bytes and thread-CPU per evaluation with a counting listener (as the budget's meter):
 *
 *   javac -d /tmp/spike -cp "$CP" bench/perf/PlannerSpike.java && java -cp "/tmp/spike:$CP" PlannerSpike "EXPR" ...
 */
public class PlannerSpike {
  /** A JSON object that the planner takes as a value as it is (a CelValue) and selects from without copying. */
  static final class JMap extends CelValue implements Map<String, Object>, SelectableValue<String> {
    final Map<String, Object> m;
    JMap(Map<String, Object> m) { this.m = m; }
    @Override public Object value() { return this; }
    @Override public boolean isZeroValue() { return m.isEmpty(); }
    @Override public CelType celType() { return MapType.create(SimpleType.STRING, SimpleType.DYN); }
    @Override public Object select(String f) { Object v = m.get(f); if (v == null && !m.containsKey(f)) throw new IllegalArgumentException("no such key: " + f); return v; }
    @Override public Optional<?> find(String f) { return Optional.ofNullable(m.get(f)); }
    public int size() { return m.size(); } public boolean isEmpty() { return m.isEmpty(); }
    public boolean containsKey(Object k) { return m.containsKey(k); } public boolean containsValue(Object v) { return m.containsValue(v); }
    public Object get(Object k) { return m.get(k); } public Object put(String k, Object v) { throw new UnsupportedOperationException(); }
    public Object remove(Object k) { throw new UnsupportedOperationException(); } public void putAll(Map<? extends String, ?> x) { throw new UnsupportedOperationException(); }
    public void clear() { throw new UnsupportedOperationException(); } public Set<String> keySet() { return m.keySet(); }
    public Collection<Object> values() { return m.values(); } public Set<Entry<String, Object>> entrySet() { return m.entrySet(); }
    @Override public boolean equals(Object o) { return m.equals(o); } @Override public int hashCode() { return m.hashCode(); }
    @Override public String toString() { return m.toString(); }
  }
  static final class JList extends CelValue implements List<Object>, RandomAccess {
    final List<Object> l;
    JList(List<Object> l) { this.l = l; }
    @Override public Object value() { return this; }
    @Override public boolean isZeroValue() { return l.isEmpty(); }
    @Override public CelType celType() { return ListType.create(SimpleType.DYN); }
    public int size() { return l.size(); } public boolean isEmpty() { return l.isEmpty(); } public boolean contains(Object o) { return l.contains(o); }
    public Iterator<Object> iterator() { return l.iterator(); } public Object[] toArray() { return l.toArray(); } public <T> T[] toArray(T[] a) { return l.toArray(a); }
    public boolean add(Object o) { throw new UnsupportedOperationException(); } public boolean remove(Object o) { throw new UnsupportedOperationException(); }
    public boolean containsAll(Collection<?> c) { return l.containsAll(c); } public boolean addAll(Collection<?> c) { throw new UnsupportedOperationException(); }
    public boolean addAll(int i, Collection<?> c) { throw new UnsupportedOperationException(); } public boolean removeAll(Collection<?> c) { throw new UnsupportedOperationException(); }
    public boolean retainAll(Collection<?> c) { throw new UnsupportedOperationException(); } public void clear() { throw new UnsupportedOperationException(); }
    public Object get(int i) { return l.get(i); } public Object set(int i, Object o) { throw new UnsupportedOperationException(); }
    public void add(int i, Object o) { throw new UnsupportedOperationException(); } public Object remove(int i) { throw new UnsupportedOperationException(); }
    public int indexOf(Object o) { return l.indexOf(o); } public int lastIndexOf(Object o) { return l.lastIndexOf(o); }
    public ListIterator<Object> listIterator() { return l.listIterator(); } public ListIterator<Object> listIterator(int i) { return l.listIterator(i); }
    public List<Object> subList(int a, int b) { return l.subList(a, b); }
    @Override public boolean equals(Object o) { return l.equals(o); } @Override public int hashCode() { return l.hashCode(); }
    @Override public String toString() { return l.toString(); }
  }
  @SuppressWarnings("unchecked")
  static Object wrap(Object v) {
    if (v instanceof Map) { Map<String, Object> out = new LinkedHashMap<>(); ((Map<String, Object>) v).forEach((k, x) -> out.put(k, wrap(x))); return new JMap(out); }
    if (v instanceof List) { List<Object> out = new ArrayList<>(); for (Object x : (List<Object>) v) out.add(wrap(x)); return new JList(out); }
    return v;
  }
  static final class Meter implements CelEvaluationListener { long n; public void callback(CelExpr e, Object r) { n++; } }

  public static void main(String[] a) throws Exception {
    CelOptions options = CelOptions.current().enableHeterogeneousNumericComparisons(true).enableOptionalSyntax(true).build();
    Cel legacy = build(CelFactory.standardCelBuilder(), options), planner = build(CelFactory.plannerCelBuilder(), options);
    Map<String,Object> probe = new LinkedHashMap<>(Map.of("httpGet", Map.of("path", "/h", "port", 8080L), "periodSeconds", 10L));
    List<Object> cs = new ArrayList<>();
    for (int i = 0; i < 3; i++) { Map<String,Object> c = new LinkedHashMap<>(); c.put("name", "c" + i); c.put("image", "nginx:1.2"); if (i < 2) c.put("livenessProbe", probe); c.put("readinessProbe", probe); cs.add(c); }
    Map<String,Object> obj = new LinkedHashMap<>(Map.of("metadata", Map.of("name", "web", "labels", Map.of("app", "web")), "spec", Map.of("replicas", 3L, "template", Map.of("spec", Map.of("containers", cs)))));
    Object wrapped = wrap(obj);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (String e : a) {
      CelAbstractSyntaxTree ast = legacy.compile(e).getAst();
      Object[][] variants = {{"legacy plain", legacy.createProgram(ast), obj}, {"legacy wrapped", legacy.createProgram(ast), wrapped},
                             {"planner plain", planner.createProgram(ast), obj}, {"planner wrapped", planner.createProgram(ast), wrapped}};
      for (Object[] v : variants) {
        CelRuntime.Program p = (CelRuntime.Program) v[1]; Object o = v[2];
        CelVariableResolver r = n -> n.equals("object") ? Optional.of(o) : Optional.empty();
        int n = 20000; Object last = null;
        try {
          for (int i = 0; i < n; i++) last = p.trace(r, new Meter());
          long b0 = mx.getThreadAllocatedBytes(tid), c0 = mx.getCurrentThreadCpuTime();
          for (int i = 0; i < n; i++) last = p.trace(r, new Meter());
          long b1 = mx.getThreadAllocatedBytes(tid), c1 = mx.getCurrentThreadCpuTime();
          System.out.printf("%-16s %7d B %7.2f us  %s => %s%n", v[0], (b1 - b0) / n, (c1 - c0) / 1e3 / n, e, String.valueOf(last));
        } catch (Exception ex) { System.out.printf("%-16s FAILED %s: %s%n", v[0], e, ex); }
      }
    }
  }
  static Cel build(CelBuilder b, CelOptions options) {
    return b.setOptions(options).setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("object", SimpleType.DYN)
        .addCompilerLibraries(CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional(), CelExtensions.comprehensions())
        .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional(), CelExtensions.comprehensions()).build();
  }
}
