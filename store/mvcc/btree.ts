import sortedBtree from 'sorted-btree';

type BTreeClass = typeof sortedBtree.default;

/**
 * sorted-btree is CommonJS with `exports.default = BTree`. Node's ESM loader (and TypeScript with NodeNext)
 * hands a default import the whole exports object, while vitest's CommonJS interop hands over the class
 * itself; accepting both keeps the compiled code and the tests on the same class.
 */
const BTree: BTreeClass = ((sortedBtree as { default?: BTreeClass }).default ?? sortedBtree) as BTreeClass;

/** A B+ tree ordered by `compare`. */
export function createBTree<K, V>(compare: (a: K, b: K) => number) {
  return new BTree<K, V>(undefined, compare);
}
