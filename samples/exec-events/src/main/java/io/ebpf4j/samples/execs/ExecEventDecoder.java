package io.ebpf4j.samples.execs;

import io.ebpf4j.Codec;
import io.ebpf4j.Codecs;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.spring.EbpfCollections;
import io.ebpf4j.spring.ManagedCollection;

import org.springframework.stereotype.Component;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Turns ring buffer records into {@link ExecEvent}s, laid out by {@code struct exec_event} from the object's BTF. */
@Component
public class ExecEventDecoder {
    private final Codec<ExecEvent> codec;

    public ExecEventDecoder(EbpfCollections collections) {
        Struct execEvent = collections.get("execs").map(ManagedCollection::spec).flatMap(CollectionSpec::btf)
                .flatMap(btf -> btf.typeByName("exec_event", Struct.class))
                .orElseThrow(() -> new IllegalStateException("collection 'execs' has no BTF type struct exec_event"));
        this.codec = Codecs.record(ExecEvent.class, execEvent);
    }

    public ExecEvent decode(byte[] record) {
        return codec.decode(ByteBuffer.wrap(record).order(ByteOrder.nativeOrder()), 0);
    }
}
