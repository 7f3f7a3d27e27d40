/** The slot times an interval schedule has in [from, to]: multiples of the interval since the epoch. */
export function slotsBetween(from: Date, to: Date, intervalMs: number): Date[] {
  const slots: Date[] = [];
  for (let t = Math.ceil(from.getTime() / intervalMs) * intervalMs; t <= to.getTime(); t += intervalMs) slots.push(new Date(t));
  return slots;
}
