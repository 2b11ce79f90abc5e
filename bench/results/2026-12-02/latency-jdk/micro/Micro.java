import dev.cel.bundle.*;
import dev.cel.common.types.*;
import dev.cel.runtime.*;
import java.util.*;

public class Micro {
    public static void main(String[] a) throws Exception {
        Cel cel = CelFactory.plannerCelBuilder().setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS).addVar("xs", ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN))).build();
        List<Object> xs = new ArrayList<>();
        for (int i = 0; i < Integer.parseInt(a[0]); i++) xs.add(dev.harbormaster.cel.CelViews.of(new HashMap<>(Map.of("name", "c" + i, "n", (long) i))));
        Object view = dev.harbormaster.cel.CelViews.of(xs);
        for (String src : new String[]{"size(xs) == 0", "xs[0].n > 100", "xs[0].n > 100 || xs[1].n > 100 || xs[2].n > 100", "xs.exists(c, true)", "xs.exists(c, c.n > 100)", "xs.filter(c, c.n >= 0).size() == 0", "xs.filter(c, c.n > 100).size() == 0", "xs.map(c, c.n).size() == 0", "xs.all(c, c.n >= 0)"}) {
            CelRuntime.Program p = cel.createProgram(cel.compile(src).getAst());
            Map<String, Object> vars = Map.of("xs", view);
            for (int i = 0; i < 200_000; i++) p.eval(vars);
            long t = System.nanoTime(); int n = 500_000;
            for (int i = 0; i < n; i++) p.eval(vars);
            System.out.printf("%-40s %6.0f ns%n", src, (System.nanoTime() - t) / (double) n);
        }
    }
}
