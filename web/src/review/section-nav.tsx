/** The operation page's sections, by the ids they carry, in the order a reviewer reads them. */
export const operationSections = [
  { id: 'summary', label: 'Summary' },
  { id: 'changes', label: 'Changes' },
  { id: 'evidence', label: 'Evidence' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'plan', label: 'Plan' },
] as const;

/** Links to the page's sections (plain anchors: the browser scrolls, the address keeps the place). */
export function SectionNav() {
  return (
    <nav aria-label="Sections of this page" className="section-nav" data-testid="section-nav">
      <ul>
        {operationSections.map((section) => (
          <li key={section.id}>
            <a href={`#${section.id}`}>{section.label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
