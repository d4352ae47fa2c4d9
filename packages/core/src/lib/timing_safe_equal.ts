/**
 * Compares two strings in time that depends only on their lengths, so that a caller cannot
 * learn a correct signature prefix by timing failed comparisons.
 */
export function timingSafeEqual(left: string, right: string): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index += 1) {
    difference |= left.charCodeAt(index) ^ right.charCodeAt(index);
  }
  return difference === 0;
}
