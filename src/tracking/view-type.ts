import type { LifecycleStage, ViewType } from './entities.js';

export function stagesForView(viewType: ViewType): LifecycleStage[] {
  switch (viewType) {
    case 'ACTIVE_ONLY':
      return ['active'];
    case 'DELETED_ONLY':
      return ['deleted'];
    case 'ALL':
      return ['active', 'deleted'];
  }
}
