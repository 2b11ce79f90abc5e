package dev.harbormaster.cel;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.Map;
import java.util.Optional;

/**
 * The shape of {@code request} (admission.k8s.io/v1 AdmissionRequest, without the objects, which
 * are {@code object} and {@code oldObject}), declared for the type-checker, so that
 * {@code request.namspace} is an error when the policy loads rather than at every request. At run
 * time the value stays the map decoded from the request: the interpreter selects fields of a map
 * whatever type the checker gave it.
 */
final class AdmissionTypes {

    static final StructType GROUP_VERSION_KIND = struct("k8s.io.apimachinery.GroupVersionKind",
            ImmutableMap.of("group", SimpleType.STRING, "version", SimpleType.STRING, "kind", SimpleType.STRING));

    static final StructType GROUP_VERSION_RESOURCE = struct("k8s.io.apimachinery.GroupVersionResource",
            ImmutableMap.of("group", SimpleType.STRING, "version", SimpleType.STRING, "resource", SimpleType.STRING));

    static final StructType USER_INFO = struct("k8s.io.authentication.UserInfo", ImmutableMap.of(
            "username", SimpleType.STRING,
            "uid", SimpleType.STRING,
            "groups", ListType.create(SimpleType.STRING),
            "extra", MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING))));

    static final StructType ADMISSION_REQUEST = struct("k8s.io.admission.AdmissionRequest", ImmutableMap.<String, CelType>builder()
            .put("uid", SimpleType.STRING)
            .put("kind", GROUP_VERSION_KIND)
            .put("resource", GROUP_VERSION_RESOURCE)
            .put("subResource", SimpleType.STRING)
            .put("requestKind", GROUP_VERSION_KIND)
            .put("requestResource", GROUP_VERSION_RESOURCE)
            .put("requestSubResource", SimpleType.STRING)
            .put("name", SimpleType.STRING)
            .put("namespace", SimpleType.STRING)
            .put("operation", SimpleType.STRING)
            .put("userInfo", USER_INFO)
            .put("dryRun", SimpleType.BOOL)
            .put("options", SimpleType.DYN)
            .buildOrThrow());

    /** The declared types, for the checker's type provider. */
    static final CelTypeProvider PROVIDER = new CelTypeProvider() {
        private final ImmutableList<CelType> types = ImmutableList.of(GROUP_VERSION_KIND, GROUP_VERSION_RESOURCE, USER_INFO, ADMISSION_REQUEST);

        @Override
        public ImmutableList<CelType> types() {
            return types;
        }

        @Override
        public Optional<CelType> findType(String name) {
            return types.stream().filter(type -> type.name().equals(name)).findFirst();
        }
    };

    private AdmissionTypes() {
    }

    private static StructType struct(String name, Map<String, CelType> fields) {
        return StructType.create(name, ImmutableSet.copyOf(fields.keySet()), field -> Optional.ofNullable(fields.get(field)));
    }
}
