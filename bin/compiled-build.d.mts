export const projectRoot: string;
export const sourceFolder: string;
export const compiledFolder: string;
export const stampName: string;
export function newestModification(entry: string): number;
export function compiledBuildStaleness(folder?: string): string | undefined;
