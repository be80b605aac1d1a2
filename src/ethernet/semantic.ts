/**
 * Checks an order document against rules its schema cannot express. Each problem has its own errorCode
 * (at most 12 characters) and names the item it concerns.
 */
export interface Problem {
  code: string;
  message: string;
  orderItemReference?: string;
}

export type SemanticCheck = (document: Record<string, any>, knownItemRefs: string[]) => Problem[];

const itemsOf = (document: Record<string, any>): any[] => (Array.isArray(document.orderItems) ? document.orderItems : []);

/** orderItemReference values are unique within the order. */
export const uniqueItemRefs: SemanticCheck = (document) => {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const item of itemsOf(document)) {
    const ref = item?.orderItemReference;
    if (typeof ref !== 'string') continue;
    if (seen.has(ref)) problems.push({ code: 'DUP_ITEM_REF', message: `orderItemReference "${ref}" is used by more than one item of the order`, orderItemReference: ref });
    seen.add(ref);
  }
  return problems;
};

/**
 * An orderedUniReference / orderedEnniReference names an item of the same order; for a PUT or PATCH, an item
 * of any earlier version of the order counts too (`knownItemRefs`).
 */
export const orderedRefsExist: SemanticCheck = (document, knownItemRefs) => {
  const refs = new Set([...itemsOf(document).map((i) => i?.orderItemReference), ...knownItemRefs]);
  const problems: Problem[] = [];
  for (const item of itemsOf(document)) {
    const detail = item?.orderItemDetail ?? {};
    for (const field of ['uniReference', 'enniReference'] as const) {
      const ref = detail[field];
      if (!ref || (ref.objectType !== 'orderedUniReference' && ref.objectType !== 'orderedEnniReference')) continue;
      // A reference that names another order (by id, or by a purchase order number other than this one's) is to
      // that order's item: not an item of this order, so not this check's to judge.
      if (ref.orderId !== undefined || (ref.buyerPurchaseOrderNumber !== undefined && ref.buyerPurchaseOrderNumber !== document.buyerPurchaseOrderNumber)) continue;
      if (!refs.has(ref.orderItemReference)) {
        problems.push({
          code: 'DANGLING_REF',
          message: `Item "${item.orderItemReference}": ${field} names item "${ref.orderItemReference}", which is not an item of this order`,
          orderItemReference: item.orderItemReference,
        });
      }
    }
  }
  return problems;
};

/** enniSvlanIdLast is not below enniSvlanId. */
export const svlanRange: SemanticCheck = (document) =>
  itemsOf(document)
    .filter((item) => {
      const d = item?.orderItemDetail ?? {};
      return Number.isInteger(d.enniSvlanId) && Number.isInteger(d.enniSvlanIdLast) && d.enniSvlanIdLast < d.enniSvlanId;
    })
    .map((item) => ({
      code: 'SVLAN_RANGE',
      message: `Item "${item.orderItemReference}": enniSvlanIdLast ${item.orderItemDetail.enniSvlanIdLast} is below enniSvlanId ${item.orderItemDetail.enniSvlanId}`,
      orderItemReference: item.orderItemReference,
    }));

export const SEMANTIC_CHECKS: SemanticCheck[] = [uniqueItemRefs, orderedRefsExist, svlanRange];

export function semanticProblems(document: Record<string, any>, knownItemRefs: string[], checks: SemanticCheck[] = SEMANTIC_CHECKS): Problem[] {
  return checks.flatMap((check) => check(document, knownItemRefs));
}
