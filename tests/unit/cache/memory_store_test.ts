import { MemoryStore } from "../../../lib/cache/memory_store.ts";
import { cacheStoreContract } from "../../support/cache_store_contract.ts";

cacheStoreContract(
  "memory",
  () => Promise.resolve({ store: new MemoryStore() }),
);
