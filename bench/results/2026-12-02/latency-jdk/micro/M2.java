import dev.cel.bundle.*;
import dev.cel.common.types.*;
import dev.cel.runtime.*;
import java.util.*;
public class M2 {
    public static void main(String[] a) throws Exception {
        Cel cel = CelFactory.plannerCelBuilder().setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS).addVar("xs", ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN))).build();
        List<Object> xs = new ArrayList<>();
        for (int i = 0; i < 3; i++) xs.add(dev.harbormaster.cel.CelViews.of(new HashMap<>(Map.of("name", "c" + i, "n", (long) i))));
        Object view = dev.harbormaster.cel.CelViews.of(xs);
        CelRuntime.Program p = cel.createProgram(cel.compile(a[0]).getAst());
        Map<String, Object> vars = Map.of("xs", view);
        CelVariableResolver r = name -> name.equals("xs") ? Optional.of(view) : Optional.empty();
        boolean useResolver = a.length > 1;
        long end = System.nanoTime() + 20_000_000_000L; long n = 0; long t = 0;
        while (System.nanoTime() < end) { long t0 = System.nanoTime(); for (int i = 0; i < 10000; i++) { if (useResolver) p.eval(r); else p.eval(vars); } n += 10000; if (n == 1_000_000) t = System.nanoTime(); }
        System.out.printf("%s: %.0f ns%n", a[0], (System.nanoTime() - t) / (double) (n - 1_000_000));
    }
}
